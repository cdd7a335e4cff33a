/** Layers that keep their input's shape and hold no tensors: activations, Softmax, Dropout. */
import { Dropout, GELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from '../layers/simple.ts';
import { pthlabRefusal as pthlab, torchRefusal as torch } from '../spec-keywords.ts';
import { normalizeDim } from './dims.ts';
import { type LayerState, defineLayer } from './entry.ts';
import { REQUIRED, bool, custom, int, num } from './keyword.ts';

const none = (): LayerState => ({ params: {} });
const same = (_a: unknown, input: readonly number[]) => [...input];
const editor = { example: {} };

export const relu = defineLayer({
  type: 'ReLU',
  keywords: { inplace: bool(false) },
  state: none,
  output: same,
  build: () => new ReLU(),
  editor,
});

export const leakyRelu = defineLayer({
  type: 'LeakyReLU',
  keywords: { negative_slope: num(0.01, { field: 'number' }), inplace: bool(false) },
  state: none,
  output: same,
  build: (a) => new LeakyReLU(a.negative_slope),
  editor,
});

export const gelu = defineLayer({
  type: 'GELU',
  keywords: {
    approximate: custom('none', (a, n): 'none' | 'tanh' => {
      const v = a.raw(n) ?? 'none';
      if (v !== 'none' && v !== 'tanh') throw torch('approximate argument must be either none or tanh.');
      return v;
    }),
  },
  state: none,
  output: same,
  build: (a) => new GELU(a.approximate),
  editor,
});

export const tanh = defineLayer({
  type: 'Tanh',
  keywords: {},
  state: none,
  output: same,
  build: () => new Tanh(),
  editor,
});

export const sigmoid = defineLayer({
  type: 'Sigmoid',
  keywords: {},
  state: none,
  output: same,
  build: () => new Sigmoid(),
  editor,
});

export const dropout = defineLayer({
  type: 'Dropout',
  keywords: { p: num(0.5, { field: 'number' }) },
  check: (a) => {
    if (a.p < 0 || a.p > 1) throw torch(`dropout probability has to be between 0 and 1, but got ${a.p}`);
  },
  state: none,
  output: same,
  build: (a, opts) => new Dropout(a.p, ...(opts.generator ? [opts.generator] : [])),
  editor: { example: { p: 0.5 } },
});

/** torch.nn.Softmax(dim): dim is required here (torch's dim=None is a deprecated implicit choice). */
export const softmax = defineLayer({
  type: 'Softmax',
  keywords: {
    dim: custom(REQUIRED, (a, n) => (a.raw(n) == null ? null : int(0).read(a, n)), { field: 'int' }),
  },
  check: (a) => {
    // torch picks a dim itself, with a deprecation warning; pthlab wants it said.
    if (a.dim === null)
      throw pthlab('Softmax: dim is required (torch would pick one implicitly)', true, 'set "dim": 1');
  },
  state: none,
  output: (a, input) => {
    normalizeDim(a.dim ?? 0, input.length);
    return [...input];
  },
  build: (a) => new Softmax(a.dim ?? 0),
  editor: { example: { dim: 1 } },
});
