/**
 * The data behind `<pth-model-summary>`, as torchinfo's `summary(model, input_size)` lays it out: one row per
 * module (pre-order, with its depth), its output shape for a given input, its own parameters and how many of
 * them train, then totals and sizes in bytes. Output shapes come from the architecture spec with torch's
 * shape formulas, so no tensor is computed; parameter counts come from the module itself.
 */
import type { Module, ModuleSpec } from '../../nn/index.ts';

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
      try {
        output = input === undefined ? undefined : outputShape(s, input);
      } catch (e) {
        problem ??= `${name} (${s.type}): ${(e as Error).message}`;
        output = undefined;
      }
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

const num = (s: ModuleSpec, key: string, fallback?: number): number => {
  const v = s[key] ?? fallback;
  if (typeof v !== 'number') throw new Error(`${key} is not a number`);
  return v;
};
const pair = (s: ModuleSpec, key: string, fallback?: number | [number, number]): [number, number] => {
  const v = s[key] ?? fallback;
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [v[0] as number, v[1] as number];
  throw new Error(`${key} is not an int or a pair`);
};

/** torch's output-shape formulas for one layer. */
export function outputShape(s: ModuleSpec, input: readonly number[]): number[] {
  const shape = [...input];
  switch (s.type) {
    case 'Linear': {
      const last = shape.at(-1);
      if (last !== num(s, 'in_features'))
        throw new Error(`expects ${num(s, 'in_features')} input features, gets ${String(last)}`);
      shape[shape.length - 1] = num(s, 'out_features');
      return shape;
    }
    case 'Conv2d':
    case 'MaxPool2d':
    case 'AvgPool2d': {
      if (shape.length !== 4) throw new Error(`expects (N, C, H, W), gets (${shape.join(', ')})`);
      const conv = s.type === 'Conv2d';
      if (conv && shape[1] !== num(s, 'in_channels'))
        throw new Error(`expects ${num(s, 'in_channels')} channels, gets ${shape[1]}`);
      const kernel = pair(s, 'kernel_size');
      const stride = conv ? pair(s, 'stride', 1) : pair(s, 'stride', s.stride == null ? kernel : undefined);
      const dilation = s.type === 'AvgPool2d' ? ([1, 1] as const) : pair(s, 'dilation', 1);
      const ceil = !conv && s.ceil_mode === true;
      const out = [2, 3].map((axis, i) => {
        const size = shape[axis] as number;
        if (conv && s.padding === 'same') return size;
        const pad = conv && s.padding === 'valid' ? 0 : pair(s, 'padding', 0)[i]!;
        const span = size + 2 * pad - dilation[i]! * (kernel[i]! - 1) - 1;
        const round = ceil ? Math.ceil : Math.floor;
        let o = round(span / stride[i]!) + 1;
        if (ceil && (o - 1) * stride[i]! >= size + pad) o--; // torch: the last window must start inside
        if (o < 1) throw new Error(`the input (${shape.join(', ')}) is too small for the kernel`);
        return o;
      });
      return [shape[0]!, conv ? num(s, 'out_channels') : shape[1]!, out[0]!, out[1]!];
    }
    case 'Flatten': {
      const rank = shape.length;
      const start = normDim(num(s, 'start_dim', 1), rank);
      const end = normDim(num(s, 'end_dim', -1), rank);
      const merged = shape.slice(start, end + 1).reduce((a, d) => a * d, 1);
      return [...shape.slice(0, start), merged, ...shape.slice(end + 1)];
    }
    case 'Embedding':
      return [...shape, num(s, 'embedding_dim')];
    default:
      // Norms, activations, dropout and softmax keep the shape.
      return shape;
  }
}

function normDim(dim: number, rank: number): number {
  const d = dim < 0 ? dim + rank : dim;
  if (d < 0 || d >= rank) throw new Error(`dim ${dim} is out of range for ${rank} dimensions`);
  return d;
}
