/**
 * What `torch.save(model)` holds for each torch.nn class pthlab's architecture JSON names: the class's
 * import path, the attributes its `__init__` sets (in the same forms: Conv2d's sizes as tuples, pooling's
 * sizes as given, floats as floats), and its parameter and buffer slots with their shapes. A slot that
 * torch registers as None (Linear without bias, BatchNorm without running statistics) is kept as None,
 * since `__init__` puts it in `_parameters`/`_buffers` too. Keywords are read by spec-keywords.ts, so the
 * refusals are build.ts's own.
 */
import { PyTuple, type PyValue } from '../checkpoint/index.ts';
import type { ModuleSpec } from './build.ts';
import { Keywords, nonNegative, type Pair } from './spec-keywords.ts';

/** A parameter or buffer slot: its shape, or null where torch registers None. */
export type Slot = readonly number[] | null;

export interface ClassLayout {
  /** The import path torch pickles (`torch.nn.modules.linear`) and the class name. */
  readonly module: string;
  readonly name: string;
  readonly parameters: ReadonlyMap<string, Slot>;
  readonly buffers: ReadonlyMap<string, Slot>;
  /** The instance attributes after the bookkeeping ones, in `__init__`'s order. */
  readonly attributes: ReadonlyArray<readonly [string, PyValue]>;
}

/** An architecture type with no torch.nn class behind it (a GPT block): no whole-model file can hold it. */
export class NoTorchClassError extends Error {
  override name = 'NoTorchClassError';
}

const int = (n: number) => BigInt(n);
const ints = (ns: readonly number[]) => new PyTuple(ns.map(int));
/** A keyword as Python holds it when passed straight through (an int, or a list of ints). */
const asGiven = (v: number | number[]) => (Array.isArray(v) ? v.map(int) : int(v));

function layout(
  module: string,
  name: string,
  attributes: ReadonlyArray<readonly [string, PyValue]>,
  parameters: ReadonlyArray<readonly [string, Slot]> = [],
  buffers: ReadonlyArray<readonly [string, Slot]> = [],
): ClassLayout {
  return {
    module: `torch.nn.modules.${module}`,
    name,
    attributes,
    parameters: new Map(parameters),
    buffers: new Map(buffers),
  };
}

/** The layout of one non-Sequential layer spec; throws NoTorchClassError for a type torch.nn lacks. */
export function classLayout(spec: ModuleSpec): ClassLayout {
  const a = new Keywords(spec);
  const result = read(a);
  a.done();
  return result;
}

function read(a: Keywords): ClassLayout {
  switch (a.type) {
    case 'Linear': {
      const [inF, outF, bias] = [a.size('in_features'), a.size('out_features'), a.bool('bias', true)];
      return layout(
        'linear',
        'Linear',
        [
          ['in_features', int(inF)],
          ['out_features', int(outF)],
        ],
        [
          ['weight', [outF, inF]],
          ['bias', bias ? [outF] : null],
        ],
      );
    }
    case 'Conv2d':
      return conv2d(a);
    case 'BatchNorm1d':
    case 'BatchNorm2d': {
      const n = a.num('num_features');
      const [eps, momentum] = [a.num('eps', 1e-5), a.numOrNull('momentum', 0.1)];
      const [affine, track] = [a.bool('affine', true), a.bool('track_running_stats', true)];
      return layout(
        'batchnorm',
        a.type,
        [
          ['num_features', int(n)],
          ['eps', eps],
          ['momentum', momentum],
          ['affine', affine],
          ['track_running_stats', track],
        ],
        [
          ['weight', affine ? [n] : null],
          ['bias', affine ? [n] : null],
        ],
        [
          ['running_mean', track ? [n] : null],
          ['running_var', track ? [n] : null],
          ['num_batches_tracked', track ? [] : null],
        ],
      );
    }
    case 'LayerNorm': {
      const raw = a.raw('normalized_shape');
      const shape = typeof raw === 'number' ? [raw] : (raw as number[]);
      const [eps, affine, bias] = [
        a.num('eps', 1e-5),
        a.bool('elementwise_affine', true),
        a.bool('bias', true),
      ];
      return layout(
        'normalization',
        'LayerNorm',
        [
          ['normalized_shape', ints(shape)],
          ['eps', eps],
          ['elementwise_affine', affine],
        ],
        [
          ['weight', affine ? shape : null],
          ['bias', affine && bias ? shape : null],
        ],
      );
    }
    case 'Embedding': {
      const [n, dim] = [a.num('num_embeddings'), a.num('embedding_dim')];
      const pad = a.numOrNull('padding_idx', null);
      return layout(
        'sparse',
        'Embedding',
        [
          ['num_embeddings', int(n)],
          ['embedding_dim', int(dim)],
          ['padding_idx', pad === null ? null : int(pad < 0 ? n + pad : pad)], // torch stores it non-negative
          ['max_norm', null],
          ['norm_type', 2.0],
          ['scale_grad_by_freq', false],
          ['sparse', false],
        ],
        [['weight', [n, dim]]],
      );
    }
    case 'Dropout':
      return layout('dropout', 'Dropout', [
        ['p', a.num('p', 0.5)],
        ['inplace', false],
      ]);
    case 'Flatten':
      return layout('flatten', 'Flatten', [
        ['start_dim', int(a.num('start_dim', 1))],
        ['end_dim', int(a.num('end_dim', -1))],
      ]);
    case 'MaxPool2d':
    case 'AvgPool2d':
      return pooling(a);
    case 'ReLU':
      return layout('activation', 'ReLU', [['inplace', a.bool('inplace', false)]]);
    case 'LeakyReLU':
      return layout('activation', 'LeakyReLU', [
        ['negative_slope', a.num('negative_slope', 0.01)],
        ['inplace', a.bool('inplace', false)],
      ]);
    case 'GELU':
      return layout('activation', 'GELU', [
        ['approximate', (a.raw('approximate') as string | undefined) ?? 'none'],
      ]);
    case 'Tanh':
    case 'Sigmoid':
      return layout('activation', a.type, []);
    case 'Softmax':
      return layout('activation', 'Softmax', [['dim', int(a.num('dim'))]]);
    default:
      throw new NoTorchClassError(
        `${a.type} has no torch.nn class, so torch.save(model) cannot hold it: save a state_dict instead ` +
          `and load it into your own module with load_state_dict`,
      );
  }
}

/** Conv2d normalizes its sizes with `_pair` (tuples); string padding stays a string. */
function conv2d(a: Keywords): ClassLayout {
  const [inC, outC, kernel] = [a.size('in_channels'), a.size('out_channels'), a.sizes('kernel_size')];
  const stride = a.sizes('stride', 1);
  const rawPadding = a.raw('padding');
  const named = rawPadding === 'same' || rawPadding === 'valid';
  const padding: Pair = named
    ? [0, 0]
    : nonNegative(a.pair('padding', 0), 'negative padding is not supported');
  const dilation = a.sizes('dilation', 1);
  const groups = a.num('groups', 1);
  const bias = a.bool('bias', true);
  const paddingMode = (a.raw('padding_mode') as string | undefined) ?? 'zeros';
  // torch's `_reversed_padding_repeated_twice`: a tuple for numeric padding, a list for 'same'/'valid'.
  let reversed: PyValue;
  if (!named) reversed = ints([padding[1], padding[1], padding[0], padding[0]]);
  else {
    const list = [0n, 0n, 0n, 0n];
    if (rawPadding === 'same') {
      for (const d of [0, 1]) {
        const total = (dilation[d] as number) * ((kernel[d] as number) - 1);
        const left = Math.floor(total / 2);
        const i = 1 - d; // dimensions reversed
        list[2 * i] = int(left);
        list[2 * i + 1] = int(total - left);
      }
    }
    reversed = list;
  }
  return layout(
    'conv',
    'Conv2d',
    [
      ['in_channels', int(inC)],
      ['out_channels', int(outC)],
      ['kernel_size', ints(kernel)],
      ['stride', ints(stride)],
      ['padding', named ? rawPadding : ints(padding)],
      ['dilation', ints(dilation)],
      ['transposed', false],
      ['output_padding', ints([0, 0])],
      ['groups', int(groups)],
      ['padding_mode', paddingMode],
      ['_reversed_padding_repeated_twice', reversed],
    ],
    [
      ['weight', [outC, inC / groups, ...kernel]],
      ['bias', bias ? [outC] : null],
    ],
  );
}

/** Pooling keeps its sizes as given; a missing stride is the kernel_size object itself. */
function pooling(a: Keywords): ClassLayout {
  const sizeOf = (name: string, fallback?: number) => {
    a.pair(name, fallback); // the same checks as build.ts
    return asGiven((a.raw(name) ?? fallback) as number | number[]);
  };
  const kernel = sizeOf('kernel_size');
  const rawStride = a.raw('stride');
  const stride = rawStride === undefined || rawStride === null ? kernel : sizeOf('stride');
  const padding = sizeOf('padding', 0);
  if (a.type === 'MaxPool2d') {
    return layout('pooling', 'MaxPool2d', [
      ['kernel_size', kernel],
      ['stride', stride],
      ['padding', padding],
      ['dilation', sizeOf('dilation', 1)],
      ['return_indices', false],
      ['ceil_mode', a.bool('ceil_mode', false)],
    ]);
  }
  const divisor = a.numOrNull('divisor_override', null);
  return layout('pooling', 'AvgPool2d', [
    ['kernel_size', kernel],
    ['stride', stride],
    ['padding', padding],
    ['ceil_mode', a.bool('ceil_mode', false)],
    ['count_include_pad', a.bool('count_include_pad', true)],
    ['divisor_override', divisor === null ? null : int(divisor)],
  ]);
}
