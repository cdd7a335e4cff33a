/**
 * Shape rules per layer type: each reads its keywords as buildModule does, checks its input as torch's forward
 * does (with torch's messages), and gives the output shape and parameter count. The 2-D window layers are in
 * shape-rules-2d.ts.
 */
import { conv2d, pool } from './shape-rules-2d.ts';
import {
  type Keywords,
  type LayerOutput,
  formatShape,
  list,
  product,
  pthlabRefusal as pthlab,
  torchRefusal as torch,
} from './spec-keywords.ts';

export type InputDtype = 'float32' | 'int64';

export interface Step extends LayerOutput {
  dtype: InputDtype;
}

export type Rule = (a: Keywords, input: number[]) => LayerOutput;

const same: Rule = (_a, input) => ({ output: input, params: 0 });

/** The rule of each type buildModule knows, but Sequential and Embedding (which change the dtype). */
export const rules: Record<string, Rule> = {
  Linear: (a, input) => {
    const inF = a.size('in_features');
    const outF = a.size('out_features');
    const bias = a.bool('bias', true);
    a.done();
    const last = input.at(-1) ?? 1;
    if (last !== inF) {
      // (..., in) is multiplied as one (rows, in) matrix.
      const rows = product(input.slice(0, -1));
      const hint =
        input.length > 2
          ? `its input has shape ${formatShape(input)}: put a Flatten before it`
          : `in_features is ${inF}, but its input has ${last} features`;
      throw torch(`mat1 and mat2 shapes cannot be multiplied (${rows}x${last} and ${inF}x${outF})`, hint);
    }
    return { output: [...input.slice(0, -1), outF], params: outF * inF + (bias ? outF : 0) }; // (..., out)
  },
  Conv2d: conv2d,
  BatchNorm1d: (a, input) => batchNorm(a, input, [2, 3]),
  BatchNorm2d: (a, input) => batchNorm(a, input, [4]),
  LayerNorm: layerNorm,
  Dropout: (a, input) => {
    const p = a.num('p', 0.5);
    a.done();
    if (p < 0 || p > 1) throw torch(`dropout probability has to be between 0 and 1, but got ${p}`);
    return { output: input, params: 0 };
  },
  Flatten: (a, input) => {
    const rank = input.length;
    const start = normalizeDim(a.num('start_dim', 1), rank);
    const end = normalizeDim(a.num('end_dim', -1), rank);
    a.done();
    if (start > end) throw torch('flatten() has invalid args: start_dim cannot come after end_dim');
    const merged = product(input.slice(start, end + 1));
    return { output: [...input.slice(0, start), merged, ...input.slice(end + 1)], params: 0 };
  },
  MaxPool2d: (a, input) => pool(a, input, 'max'),
  AvgPool2d: (a, input) => pool(a, input, 'avg'),
  ReLU: (a, input) => {
    a.bool('inplace', false);
    a.done();
    return same(a, input);
  },
  LeakyReLU: (a, input) => {
    a.num('negative_slope', 0.01);
    a.bool('inplace', false);
    a.done();
    return same(a, input);
  },
  GELU: (a, input) => {
    const approximate = a.raw('approximate') ?? 'none';
    a.done();
    if (approximate !== 'none' && approximate !== 'tanh')
      throw torch('approximate argument must be either none or tanh.');
    return same(a, input);
  },
  Tanh: (a, input) => {
    a.done();
    return same(a, input);
  },
  Sigmoid: (a, input) => {
    a.done();
    return same(a, input);
  },
  Softmax: (a, input) => {
    const dim = a.raw('dim');
    if (dim === undefined || dim === null) {
      a.done();
      // torch picks a dim itself, with a deprecation warning; pthlab wants it said.
      throw pthlab('Softmax: dim is required (torch would pick one implicitly)', true, 'set "dim": 1');
    }
    normalizeDim(a.num('dim'), input.length);
    a.done();
    return same(a, input);
  },
};

/** A dim in [-rank, rank), with torch's IndexError wording. */
function normalizeDim(dim: number, rank: number): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r)
    throw torch(`Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`);
  return dim < 0 ? dim + r : dim;
}

function batchNorm(a: Keywords, input: number[], ranks: number[]): LayerOutput {
  const features = a.size('num_features');
  a.num('eps', 1e-5);
  a.numOrNull('momentum', 0.1);
  const affine = a.bool('affine', true);
  const track = a.bool('track_running_stats', true);
  a.done();
  if (!ranks.includes(input.length)) {
    const want = ranks.length === 1 ? '4D input' : '2D or 3D input';
    const hint =
      ranks.length === 1 ? 'BatchNorm2d is for images; use BatchNorm1d' : 'use BatchNorm2d for images';
    throw torch(`expected ${want} (got ${input.length}D input)`, hint);
  }
  const channels = input[1] as number;
  // torch checks the running stats first, then the affine weight; with neither, any channel count goes.
  const checked = track ? 'running_mean' : affine ? 'weight' : undefined;
  if (checked !== undefined && channels !== features)
    throw torch(
      `${checked} should contain ${channels} elements not ${features}`,
      `num_features is ${features}, but its input has ${channels} channels`,
    );
  return { output: input, params: affine ? 2 * features : 0 };
}

function layerNorm(a: Keywords, input: number[]): LayerOutput {
  const raw = a.raw('normalized_shape');
  const shape = typeof raw === 'number' ? [raw] : raw;
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number'))
    throw pthlab('LayerNorm: normalized_shape must be an int or a list of ints');
  a.num('eps', 1e-5);
  const affine = a.bool('elementwise_affine', true);
  const bias = a.bool('bias', true);
  a.done();
  for (const d of shape as number[])
    if (!Number.isInteger(d) || d <= 0)
      throw pthlab(`LayerNorm: normalized_shape must be positive integers, got ${d}`, d === 0);
  const dims = shape as number[];
  if (dims.length === 0)
    throw torch(
      'Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []',
    );
  const tail = input.slice(Math.max(0, input.length - dims.length));
  if (input.length < dims.length || tail.some((d, i) => d !== dims[i]))
    throw torch(
      `Given normalized_shape=${list(dims)}, expected input with shape [*, ${dims.join(', ')}], but got input of size${list(input)}`,
      `normalized_shape must be the last dims of its input ${formatShape(input)}`,
    );
  return { output: input, params: affine ? product(dims) * (bias ? 2 : 1) : 0 };
}

export function embedding(a: Keywords, input: number[], dtype: InputDtype): Step {
  const rows = a.size('num_embeddings');
  const dim = a.size('embedding_dim');
  const pad = a.numOrNull('padding_idx', null);
  a.done();
  if (pad !== null && (pad >= rows || pad < -rows)) throw torch('Padding_idx must be within num_embeddings');
  if (dtype !== 'int64')
    throw torch(
      "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)",
      'an Embedding takes integer indices; this data is floating point',
    );
  return { output: [...input, dim], params: rows * dim, dtype: 'float32' }; // (..., dim)
}
