/**
 * Shape inference from DESIGN.md's architecture JSON, without tensors: for a Sequential (or one layer) and an
 * input shape (batch included, e.g. (1, 2) or (1, 1, 28, 28)), each layer's output shape and parameter count,
 * or the first layer that does not fit, named by its index and type. Where torch 2.6 refuses the same input it
 * is refused here in torch's own words (test/torch/engine/shapes.test.ts compares them with real torch); where
 * pthlab cannot build or run what torch accepts (3-D unbatched convolutions, ceil_mode, ...) the refusal says
 * so. The model editor calls this on every keystroke, so it must stay cheap: no module is built. Each layer is
 * read by its registry entry (layer-types/), as buildModule reads it.
 */
import { layerType, paramCount, readLayer } from './layer-types/index.ts';
import { LayerRefusal, type ModuleSpec, asSpec, formatShape, sequentialLayers } from './spec-keywords.ts';

export { formatShape };

/** The dtype of a layer's input: int64 indices for an Embedding, else float32. */
export type InputDtype = 'float32' | 'int64';

interface Step {
  output: number[];
  params: number;
  dtype: InputDtype;
}

export interface InferOptions {
  /** The input's dtype: int64 indices for an Embedding, else float32 (the default). */
  dtype?: InputDtype;
}

export interface LayerShape {
  /** Position in the Sequential (its state_dict prefix). */
  readonly index: number;
  readonly type: string;
  /** Output shape, batch included. */
  readonly output: readonly number[];
  /** Parameters of this layer (all of them, for a nested Sequential). */
  readonly params: number;
}

export interface ShapeError {
  /** The top-level layer that does not fit; -1 when the Sequential's own keywords are wrong. */
  readonly index: number;
  /** Dotted state_dict path of the layer at fault ('2', or '2.1' inside a nested Sequential; '' for the root). */
  readonly path: string;
  readonly type: string;
  readonly message: string;
  /** 'torch': the message is torch 2.6's own. */
  readonly wording: 'torch' | 'pthlab';
  /** A pthlab limit: pthlab cannot build or run this, though torch may (3-D unbatched input, ceil_mode...). */
  readonly unsupported: boolean;
  /** What to change, in plain words, where there is an obvious fix. */
  readonly hint: string | undefined;
}

export interface ShapeReport {
  /** The layers that fit, in order, up to the first that does not. */
  readonly layers: readonly LayerShape[];
  readonly error: ShapeError | undefined;
  /** The model's output shape; undefined when a layer does not fit. */
  readonly output: readonly number[] | undefined;
  /** Parameters of the layers that fit. */
  readonly params: number;
}

/** "layer 3 (Linear): mat1 and mat2 ...", the way the editor and the sandbox print a ShapeError. */
export function describeShapeError(e: ShapeError): string {
  const where = e.path === '' ? e.type : `layer ${e.path} (${e.type})`;
  return `${where}: ${e.message}`;
}

export function inferShapes(
  spec: ModuleSpec,
  inputShape: readonly number[],
  opts: InferOptions = {},
): ShapeReport {
  const dtype = opts.dtype ?? 'float32';
  if (!isSpec(spec) || spec.type !== 'Sequential') return sequence([spec], '', inputShape, dtype, true);
  let layers: unknown[];
  try {
    layers = sequentialLayers(spec);
  } catch (e) {
    return { layers: [], error: toError(e, -1, '', 'Sequential'), output: undefined, params: 0 };
  }
  return sequence(layers, '', inputShape, dtype, false);
}

/** Runs shapes through `layers` in order; `single` reports one root layer under the path ''. */
function sequence(
  layers: readonly unknown[],
  prefix: string,
  inputShape: readonly number[],
  dtype: InputDtype,
  single: boolean,
): ShapeReport {
  const fitted: LayerShape[] = [];
  let shape = [...inputShape];
  let current = dtype;
  for (const [index, layer] of layers.entries()) {
    const path = single ? '' : `${prefix}${index}`;
    const type = isSpec(layer) ? layer.type : String((layer as { type?: unknown } | null)?.type ?? '?');
    let step: Step;
    try {
      step = layerStep(layer, shape, current, path);
    } catch (e) {
      const error = e instanceof NestedError ? { ...e.error, index } : toError(e, index, path, type);
      return { layers: fitted, error, output: undefined, params: total(fitted) };
    }
    fitted.push({ index, type, output: step.output, params: step.params });
    shape = step.output;
    current = step.dtype;
  }
  return { layers: fitted, error: undefined, output: shape, params: total(fitted) };
}

const total = (layers: readonly LayerShape[]) => layers.reduce((s, l) => s + l.params, 0);

function isSpec(v: unknown): v is ModuleSpec {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as ModuleSpec).type === 'string'
  );
}

function toError(e: unknown, index: number, path: string, type: string): ShapeError {
  if (!(e instanceof LayerRefusal)) throw e;
  return {
    index,
    path,
    type,
    message: e.message,
    wording: e.wording,
    unsupported: e.unsupported,
    hint: e.hint,
  };
}

/** A nested Sequential's error, carried out with its inner path. */
class NestedError extends Error {
  constructor(readonly error: ShapeError) {
    super(error.message);
  }
}

function layerStep(raw: unknown, input: number[], dtype: InputDtype, path: string): Step {
  const layer = asSpec(raw);
  if (layer.type === 'Sequential') {
    const inner = sequence(sequentialLayers(layer), `${path}.`, input, dtype, false);
    if (inner.error !== undefined) throw new NestedError(inner.error);
    const last = inner.layers.at(-1);
    return { output: [...(inner.output ?? input)], params: inner.params, dtype: last ? 'float32' : dtype };
  }
  const read = readLayer(layer);
  // Checked after the keywords, so a misspelt keyword is reported before the dtype.
  const { takes } = layerType(layer.type)!;
  if (dtype !== takes.dtype) throw takes.otherwise();
  return { output: read.output(input), params: paramCount(read.state), dtype: 'float32' };
}
