/**
 * The data behind `<pth-model-summary>`, as torchinfo's `summary(model, input_size)` lays it out: one row per
 * module (pre-order, with its depth), its output shape for a given input, its own parameters and how many of
 * them train, then totals and sizes in bytes. Output shapes come from the architecture spec through
 * src/nn/shapes.ts (torch's formulas and messages, as the model editor shows them), so no tensor is
 * computed; parameter counts come from the module itself.
 */
import { type Module, type ModuleSpec, inferShapes } from '../../nn/index.ts';

export interface SummaryRow {
  /** Dotted state_dict prefix ('' for the root). */
  readonly name: string;
  readonly type: string;
  readonly depth: number;
  /** Output shape including the batch dimension; undefined where it cannot be inferred. */
  readonly outputShape: readonly number[] | undefined;
  /** This module's own parameters (not its children's). */
  readonly params: number;
  readonly trainable: number;
}

export interface ModelSummary {
  readonly rows: readonly SummaryRow[];
  readonly inputShape: readonly number[];
  readonly totalParams: number;
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
  /** Bytes of parameters and of persistent buffers, at the dtypes torch would store. */
  readonly paramBytes: number;
  readonly bufferBytes: number;
  /** Why shapes stop being known, when they do (a Linear whose in_features does not match, ...). */
  readonly problem: string | undefined;
}

const itemBytes = (dtype: string) => (dtype === 'float32' ? 4 : 8);

/** `inputShape` includes the batch dimension, e.g. (1, 2) or (1, 1, 28, 28). */
export function summarizeModel(
  spec: ModuleSpec,
  module: Module,
  inputShape: readonly number[],
): ModelSummary {
  const rows: SummaryRow[] = [];
  let problem: string | undefined;
  const visit = (s: ModuleSpec, m: Module, name: string, depth: number, input: Shape): Shape => {
    const index = rows.length;
    rows.push({ name, type: m.typeName, depth, outputShape: undefined, ...ownParams(m) });
    let output: Shape;
    if (s.type === 'Sequential') {
      const specs = (s.layers ?? []) as ModuleSpec[];
      const children = [...m.namedChildren()];
      output = input;
      children.forEach(([childName, child], i) => {
        const childSpec = specs[i] ?? { type: child.typeName };
        output = visit(childSpec, child, name === '' ? childName : `${name}.${childName}`, depth + 1, output);
      });
    } else {
      const report = input === undefined ? undefined : inferShapes(s, input);
      output = report?.output === undefined ? undefined : [...report.output];
      if (report?.error !== undefined) problem ??= `${name} (${s.type}): ${report.error.message}`;
    }
    rows[index] = { ...(rows[index] as SummaryRow), outputShape: output };
    return output;
  };
  visit(spec, module, '', 0, [...inputShape]);
  const params = module.namedParameters().map(([, p]) => p);
  const totalParams = params.reduce((s, p) => s + p.numel, 0);
  const trainableParams = params.filter((p) => p.requiresGrad).reduce((s, p) => s + p.numel, 0);
  const buffers = [...module.stateDict()].filter(
    ([key]) => !module.namedParameters().some(([k]) => k === key),
  );
  return {
    rows,
    inputShape,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    paramBytes: params.reduce((s, p) => s + p.numel * itemBytes(p.dtype), 0),
    bufferBytes: buffers.reduce((s, [, b]) => s + b.numel * itemBytes(b.dtype), 0),
    problem,
  };
}

type Shape = number[] | undefined;

function ownParams(m: Module): { params: number; trainable: number } {
  const own = m.namedParameters().filter(([key]) => !key.includes('.'));
  return {
    params: own.reduce((s, [, p]) => s + p.numel, 0),
    trainable: own.filter(([, p]) => p.requiresGrad).reduce((s, [, p]) => s + p.numel, 0),
  };
}
