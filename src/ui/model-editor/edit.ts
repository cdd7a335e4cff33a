/**
 * The model editor's operations on a Sequential architecture spec (DESIGN.md's JSON), as plain functions that
 * return a new spec: add, remove, move a layer, set one of its sizes. What a layer type offers (its editable
 * sizes, the example the menu adds, the keyword it takes from its input) is its registry entry's
 * (src/nn/layer-types/). After each, the sizes a layer takes from its input (Linear's in_features, Conv2d's
 * in_channels, the norms' num_features / normalized_shape) follow the shapes of the layers before it, wherever those are known and of the form that layer takes; elsewhere
 * they stay as they are, and shape inference names the misfit. `checkFit` says whether a spec can be applied.
 */
import type { ModuleSpec } from '../../nn/index.ts';
import { type FieldKind, layerType, layerTypes } from '../../nn/layer-types/index.ts';
import { type ShapeReport, formatShape, inferShapes } from '../../nn/shapes.ts';

export type { FieldKind };

/** A size a row lets people edit, with the value torch uses when the key is absent. */
export interface SizeField {
  readonly key: string;
  readonly kind: FieldKind;
  /** undefined: required. null: the key may be absent (a pool's stride defaults to its kernel). */
  readonly fallback?: number | null;
}

/** The keywords of `type` its registry entry marks as edited here, but the one taken from the input. */
export function sizeFields(type: string): readonly SizeField[] {
  const entry = layerType(type);
  if (entry === undefined) return [];
  const derived = entry.editor?.fromInput?.key;
  const fields: SizeField[] = [];
  for (const [key, k] of Object.entries(entry.keywords)) {
    if (k.field === undefined || key === derived) continue;
    const fallback = k.default;
    fields.push(
      typeof fallback === 'number' || fallback === null
        ? { key, kind: k.field, fallback }
        : { key, kind: k.field },
    );
  }
  return fields;
}

/** The keyword a layer takes from its input's shape, shown read-only beside its sizes. */
export function inputKey(type: string): string | undefined {
  return layerType(type)?.editor?.fromInput?.key;
}

/** What the "add a layer" menu offers: every registered type with an example that takes floating-point data. */
export const addableTypes: readonly string[] = layerTypes
  .filter((t) => t.editor?.example !== undefined && t.takes.dtype === 'float32')
  .map((t) => t.type);

/** A new layer of `type` with its entry's small defaults; its input size is filled in by `derive`. */
export function newLayer(type: string): ModuleSpec {
  return { type, ...layerType(type)?.editor?.example };
}

const layersOf = (spec: ModuleSpec): ModuleSpec[] => (Array.isArray(spec.layers) ? [...spec.layers] : []);
const withLayers = (spec: ModuleSpec, layers: ModuleSpec[]): ModuleSpec => ({ ...spec, layers });

/**
 * Sets each layer's input size from the output shape of the layers before it, while those shapes are known:
 * in_features from (N, F), in_channels from (N, C, H, W), num_features from the channels of the rank its norm
 * takes, a one-dim normalized_shape from the last dim. Nothing after the first misfit is touched.
 */
export function derive(spec: ModuleSpec, inputShape: readonly number[]): ModuleSpec {
  let shape: readonly number[] | undefined = inputShape;
  const layers = layersOf(spec).map((layer) => {
    if (shape === undefined) return layer;
    const fixed = deriveLayer(layer, shape);
    shape = inferShapes({ type: 'Sequential', layers: [fixed] }, shape).output;
    return fixed;
  });
  return withLayers(spec, layers);
}

function deriveLayer(layer: ModuleSpec, shape: readonly number[]): ModuleSpec {
  const from = layerType(layer.type)?.editor?.fromInput;
  return from === undefined ? layer : from.derive(layer, shape);
}

/** Adds a new layer of `type` at position `at` (0: first). */
export function insertLayer(
  spec: ModuleSpec,
  at: number,
  type: string,
  inputShape: readonly number[],
): ModuleSpec {
  const layers = layersOf(spec);
  layers.splice(at, 0, newLayer(type));
  return derive(withLayers(spec, layers), inputShape);
}

export function removeLayer(spec: ModuleSpec, index: number, inputShape: readonly number[]): ModuleSpec {
  const layers = layersOf(spec);
  layers.splice(index, 1);
  return derive(withLayers(spec, layers), inputShape);
}

/** Moves layer `index` by `delta` places (-1: up), staying within the list. */
export function moveLayer(
  spec: ModuleSpec,
  index: number,
  delta: number,
  inputShape: readonly number[],
): ModuleSpec {
  const layers = layersOf(spec);
  const to = Math.max(0, Math.min(layers.length - 1, index + delta));
  const [layer] = layers.splice(index, 1);
  if (layer === undefined) return spec;
  layers.splice(to, 0, layer);
  return derive(withLayers(spec, layers), inputShape);
}

/** Sets `key` of layer `index`; undefined, or the key's default, removes it (the JSON stays short). */
export function setField(
  spec: ModuleSpec,
  index: number,
  key: string,
  value: unknown,
  inputShape: readonly number[],
): ModuleSpec {
  const layers = layersOf(spec);
  const layer = layers[index];
  if (layer === undefined) return spec;
  const field = sizeFields(layer.type).find((f) => f.key === key);
  const { [key]: _old, ...rest } = layer;
  const isDefault = value === undefined || (field?.fallback !== undefined && value === field.fallback);
  layers[index] = (isDefault ? rest : { ...rest, [key]: value }) as ModuleSpec;
  return derive(withLayers(spec, layers), inputShape);
}

/** The text a field shows: its value, else its default ('' for a stride that follows the kernel). */
export function fieldText(layer: ModuleSpec, field: SizeField): string {
  const v = layer[field.key] ?? field.fallback;
  if (v === undefined || v === null) return '';
  return Array.isArray(v) ? v.join(', ') : String(v);
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** Reads a field's text: "3", "3, 5" (a pair), "same"/"valid" (a padding), "" (a stride that follows the kernel). */
export function parseField(field: SizeField, text: string): Parsed {
  const t = text.trim();
  if (t === '')
    return field.fallback !== undefined ? { ok: true, value: undefined } : { ok: false, error: 'required' };
  if (field.kind === 'padding' && (t === 'same' || t === 'valid')) return { ok: true, value: t };
  if (field.kind === 'number') {
    const v = Number(t);
    return Number.isFinite(v) ? { ok: true, value: v } : { ok: false, error: 'a number' };
  }
  const parts = t.split(/\s*[,x×]\s*|\s+/);
  const single = field.kind === 'int';
  if (parts.length > (single ? 1 : 2) || !parts.every((p) => /^-?\d+$/.test(p)))
    return { ok: false, error: single ? 'a whole number' : 'a whole number, or two separated by a comma' };
  const nums = parts.map(Number);
  return { ok: true, value: nums.length === 1 ? nums[0] : nums };
}

export function formatArchitecture(spec: ModuleSpec): string {
  return JSON.stringify(spec, null, 2);
}

/** The JSON text of an architecture, or why it cannot be one the editor shows. */
export function parseArchitecture(
  text: string,
): { ok: true; spec: ModuleSpec } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `the JSON does not parse: ${(e as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, error: 'the architecture must be a JSON object' };
  const spec = value as ModuleSpec;
  if (spec.type !== 'Sequential' || !Array.isArray(spec.layers))
    return { ok: false, error: 'the editor takes a Sequential: {"type": "Sequential", "layers": [...]}' };
  return { ok: true, spec };
}

export type Task = 'classification' | 'regression';

export interface Fit {
  readonly report: ShapeReport;
  /** Why the model as a whole cannot train on this data, when every layer fits. */
  readonly modelProblem: string | undefined;
  readonly ok: boolean;
}

/** Whether a spec takes the data's input and gives (batch, outputs): what the sandbox needs to train it. */
export function checkFit(
  spec: ModuleSpec,
  inputShape: readonly number[],
  outputs: number,
  task: Task = 'classification',
): Fit {
  const report = inferShapes(spec, inputShape);
  const modelProblem = report.output === undefined ? undefined : wholeModel(report, outputs, task);
  return { report, modelProblem, ok: report.error === undefined && modelProblem === undefined };
}

function wholeModel(report: ShapeReport, outputs: number, task: Task): string | undefined {
  const out = report.output as readonly number[];
  const batch = out[0];
  if (report.layers.length === 0) return 'the model has no layers';
  if (out.length !== 2)
    return `the model's output has shape ${formatShape(out)}; the data needs (${batch}, ${outputs}): a Flatten may be missing`;
  const given = out[1] as number;
  if (given !== outputs) {
    const gives = `the last layer gives ${given} output${given === 1 ? '' : 's'}`;
    return task === 'classification'
      ? `${gives}; the data has ${outputs} classes`
      : `${gives}; the data needs ${outputs}`;
  }
  if (report.params === 0) return 'the model has no parameters to train';
  return undefined;
}
