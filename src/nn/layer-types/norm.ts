/** torch.nn.BatchNorm1d, BatchNorm2d and LayerNorm: shape-preserving, with torch's input checks. */
import { BatchNorm1d, BatchNorm2d, LayerNorm } from '../layers/norm.ts';
import { formatShape, list, pthlabRefusal as pthlab, torchRefusal as torch } from '../spec-keywords.ts';
import { defineLayer } from './entry.ts';
import { REQUIRED, bool, custom, num, numOrNull, size } from './keyword.ts';

const batchNormKeywords = {
  num_features: size(),
  eps: num(1e-5),
  momentum: numOrNull(0.1),
  affine: bool(true),
  track_running_stats: bool(true),
};

interface BatchNormArgs {
  num_features: number;
  eps: number;
  momentum: number | null;
  affine: boolean;
  track_running_stats: boolean;
}

function batchNormState(a: BatchNormArgs) {
  const c = [a.num_features];
  return {
    params: a.affine ? { weight: c, bias: c } : {},
    buffers: a.track_running_stats ? { running_mean: c, running_var: c, num_batches_tracked: [] } : {},
  };
}

/** torch checks the rank, then the running stats' length, then the affine weight's. */
function batchNormOutput(a: BatchNormArgs, input: readonly number[], ranks: number[]): number[] {
  if (!ranks.includes(input.length)) {
    const want = ranks.length === 1 ? '4D input' : '2D or 3D input';
    const hint =
      ranks.length === 1 ? 'BatchNorm2d is for images; use BatchNorm1d' : 'use BatchNorm2d for images';
    throw torch(`expected ${want} (got ${input.length}D input)`, hint);
  }
  const channels = input[1]!;
  // With neither running stats nor an affine weight, any channel count goes.
  const checked = a.track_running_stats ? 'running_mean' : a.affine ? 'weight' : undefined;
  if (checked !== undefined && channels !== a.num_features)
    throw torch(
      `${checked} should contain ${channels} elements not ${a.num_features}`,
      `num_features is ${a.num_features}, but its input has ${channels} channels`,
    );
  return [...input];
}

const batchNormOptions = (a: BatchNormArgs) => ({
  eps: a.eps,
  momentum: a.momentum,
  affine: a.affine,
  trackRunningStats: a.track_running_stats,
});

/** num_features from the channels (dim 1) of an input of the ranks the norm takes. */
const fromChannels = (ranks: number[]) => ({
  key: 'num_features',
  derive: <S extends object>(spec: S, shape: readonly number[]) =>
    ranks.includes(shape.length) ? { ...spec, num_features: shape[1] } : spec,
});

export const batchNorm1d = defineLayer({
  type: 'BatchNorm1d',
  keywords: batchNormKeywords,
  state: batchNormState,
  output: (a, input) => batchNormOutput(a, input, [2, 3]),
  build: (a, opts) => new BatchNorm1d(a.num_features, { ...opts, ...batchNormOptions(a) }),
  editor: { example: { num_features: 16 }, fromInput: fromChannels([2, 3]) },
});

export const batchNorm2d = defineLayer({
  type: 'BatchNorm2d',
  keywords: batchNormKeywords,
  state: batchNormState,
  output: (a, input) => batchNormOutput(a, input, [4]),
  build: (a, opts) => new BatchNorm2d(a.num_features, { ...opts, ...batchNormOptions(a) }),
  editor: { example: { num_features: 16 }, fromInput: fromChannels([4]) },
});

/** An int or a list of ints, as a list of positive ints; the JSON keeps the form it was given. */
const normalizedShape = custom(
  REQUIRED,
  (a, name) => {
    const raw = a.raw(name);
    const dims = typeof raw === 'number' ? [raw] : raw;
    if (!Array.isArray(dims) || !dims.every((d) => typeof d === 'number'))
      throw pthlab('LayerNorm: normalized_shape must be an int or a list of ints');
    return dims as number[];
  },
  { positional: true },
);

export const layerNorm = defineLayer({
  type: 'LayerNorm',
  keywords: {
    normalized_shape: normalizedShape,
    eps: num(1e-5),
    elementwise_affine: bool(true),
    bias: bool(true),
  },
  check: (a) => {
    for (const d of a.normalized_shape)
      if (!Number.isInteger(d) || d <= 0)
        throw pthlab(`LayerNorm: normalized_shape must be positive integers, got ${d}`, d === 0);
    if (a.normalized_shape.length === 0)
      throw torch(
        'Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []',
      );
  },
  state: (a) => {
    const dims = a.normalized_shape;
    if (!a.elementwise_affine) return { params: {} };
    return { params: a.bias ? { weight: dims, bias: dims } : { weight: dims } };
  },
  output: (a, input) => {
    const dims = a.normalized_shape;
    const tail = input.slice(Math.max(0, input.length - dims.length));
    if (input.length < dims.length || tail.some((d, i) => d !== dims[i]))
      throw torch(
        `Given normalized_shape=${list(dims)}, expected input with shape [*, ${dims.join(', ')}], but got input of size${list(input)}`,
        `normalized_shape must be the last dims of its input ${formatShape(input)}`,
      );
    return [...input];
  },
  build: (a, opts) =>
    new LayerNorm(a.normalized_shape, {
      ...opts,
      eps: a.eps,
      elementwiseAffine: a.elementwise_affine,
      bias: a.bias,
    }),
  editor: {
    example: { normalized_shape: 16 },
    fromInput: {
      key: 'normalized_shape',
      // A one-dim normalized_shape follows the last dim, in the form it was written.
      derive: (spec, shape) => {
        const dims = spec['normalized_shape'];
        const last = shape.at(-1);
        if (typeof dims === 'number') return { ...spec, normalized_shape: last };
        if (Array.isArray(dims) && dims.length === 1) return { ...spec, normalized_shape: [last] };
        return spec;
      },
    },
  },
});
