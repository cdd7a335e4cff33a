/**
 * THE op table: every differentiable primitive, its forward (backend kernels on buffers) and its backward
 * (backend kernels on buffers, returning one gradient per input). Everything else (softmax, losses, norms,
 * linear, ...) is composed from these in functional/. Autograd (autograd.ts) and Tensor (tensor.ts) read
 * this table and nothing else; a new device only implements the Backend interface.
 *
 * 26 primitives: 8 unary, 4 binary (broadcasting), 2 reductions, 4 movement (reshape, permute (a view), expand, pad;
 * pad with negative amounts is narrow), where, matmul, conv2d, 2 poolings, embedding, and two fused row
 * kernels, softmax and layer_norm (each with its own backward formula, proven equal to its composite in
 * functional/ by test/unit/engine/fused.test.ts and against torch by test/torch/engine/ops.test.ts).
 * cat, split, narrow and masked_fill are composed from pad and where (Tensor, functional/join.ts), as
 * teenygrad composes them. pad and where are defined in ops-select.ts, matmul in ops-matmul.ts, what an
 * entry is in op-def.ts.
 */
import type {
  Backend,
  Conv2dGeometry,
  DeviceBuffer,
  Pool2dGeometry,
  ReduceOp,
  Shape,
  SoftmaxKind,
  UnaryOp,
} from './backend.ts';
import { type OpDef, type Operand, arg, f32, permutedView, sumTo } from './op-def.ts';
import { attention } from './ops-attention.ts';
import { matmul } from './ops-matmul.ts';
import { pad, where } from './ops-select.ts';
import { broadcastShapes, sameShape, sizeOf } from './shape.ts';

export type { OpContext, OpDef, Operand } from './op-def.ts';
export { sumTo } from './op-def.ts';

// ---- unary ----------------------------------------------------------------------------------------

function unaryOp(
  op: UnaryOp,
  grad: (be: Backend, dy: DeviceBuffer, x: Operand, y: Operand) => DeviceBuffer,
): OpDef {
  return {
    name: op,
    forward: (be, inputs) => {
      const x = arg(inputs, 0);
      return { out: f32(be.unary(op, x.buf, sizeOf(x.shape)), x.shape), saved: null };
    },
    backward: (be, dy, { inputs, out }) => [grad(be, dy, arg(inputs, 0), out)],
  };
}

const neg = unaryOp('neg', (be, dy, x) => be.unary('neg', dy, sizeOf(x.shape)));
const exp = unaryOp('exp', (be, dy, x, y) => be.binary('mul', dy, x.shape, y.buf, x.shape)); // dy * e^x
const log = unaryOp('log', (be, dy, x) => be.binary('div', dy, x.shape, x.buf, x.shape)); // dy / x
const sqrt = unaryOp('sqrt', (be, dy, x, y) => be.unaryGrad('sqrt', y.buf, dy, sizeOf(x.shape))); // dy / (2 y)
const relu = unaryOp('relu', (be, dy, x) => be.unaryGrad('relu', x.buf, dy, sizeOf(x.shape))); // dy * (x > 0)
const tanh = unaryOp('tanh', (be, dy, x, y) => be.unaryGrad('tanh', y.buf, dy, sizeOf(x.shape))); // dy (1 - y^2)
const sigmoid = unaryOp('sigmoid', (be, dy, x, y) => be.unaryGrad('sigmoid', y.buf, dy, sizeOf(x.shape)));
const erf = unaryOp('erf', (be, dy, x) => be.unaryGrad('erf', x.buf, dy, sizeOf(x.shape))); // dy 2/sqrt(pi) e^-x^2

// ---- binary (numpy broadcasting) ------------------------------------------------------------------

type BinaryGrad = (
  be: Backend,
  dy: DeviceBuffer,
  a: Operand,
  b: Operand,
  out: Operand,
) => [DeviceBuffer, DeviceBuffer];

function binaryOp(op: 'add' | 'sub' | 'mul' | 'div', grad: BinaryGrad): OpDef {
  return {
    name: op,
    forward: (be, inputs) => {
      const a = arg(inputs, 0);
      const b = arg(inputs, 1);
      const shape = broadcastShapes(a.shape, b.shape);
      return { out: f32(be.binary(op, a.buf, a.shape, b.buf, b.shape), shape), saved: null };
    },
    backward: (be, dy, { inputs, out, needs }) => {
      const a = arg(inputs, 0);
      const b = arg(inputs, 1);
      const [da, db] = grad(be, dy, a, b, out);
      return [
        needs[0] ? sumTo(be, da, out.shape, a.shape) : null,
        needs[1] ? sumTo(be, db, out.shape, b.shape) : null,
      ];
    },
  };
}

// Gradients here have the output's shape; binaryOp's backward sums them back to each input's shape.
const add = binaryOp('add', (_be, dy) => [dy, dy]);
const sub = binaryOp('sub', (be, dy, _a, _b, out) => [dy, be.unary('neg', dy, sizeOf(out.shape))]);
const mul = binaryOp('mul', (be, dy, a, b, out) => [
  be.binary('mul', dy, out.shape, b.buf, b.shape),
  be.binary('mul', dy, out.shape, a.buf, a.shape),
]);
const div = binaryOp('div', (be, dy, _a, b, out) => {
  // d(a/b)/db = -a/b^2 = -(a/b)/b: from the output, without a's buffer.
  const dyOverB = be.binary('div', dy, out.shape, b.buf, b.shape);
  const dyOutOverB = be.binary('mul', dyOverB, out.shape, out.buf, out.shape);
  return [dyOverB, be.unary('neg', dyOutOverB, sizeOf(out.shape))];
});

// ---- reductions -------------------------------------------------------------------------------------

export interface ReduceAttrs {
  /** Sorted, non-negative. */
  readonly dims: readonly number[];
  readonly keepdim: boolean;
}

const keptShape = (shape: Shape, dims: readonly number[]): number[] =>
  shape.map((d, i) => (dims.includes(i) ? 1 : d));

function reduceOp(op: ReduceOp): OpDef<ReduceAttrs> {
  return {
    name: op,
    forward: (be, inputs, { dims, keepdim }) => {
      const x = arg(inputs, 0);
      const kept = keptShape(x.shape, dims);
      const shape = keepdim ? kept : x.shape.filter((_, i) => !dims.includes(i));
      const buf = dims.length === 0 ? x.buf : be.reduce(op, x.buf, x.shape, dims);
      return { out: f32(buf, shape), saved: null };
    },
    backward: (be, dy, { inputs, out, attrs }) => {
      const x = arg(inputs, 0);
      const kept = keptShape(x.shape, attrs.dims);
      if (op === 'sum') return [be.expand(dy, kept, x.shape)];
      // amax: the gradient is shared evenly among the maxima (torch.amax; torch.max(dim) picks one index).
      const mask = be.binary('eq', x.buf, x.shape, out.buf, kept); // (x.shape)
      const count = be.reduce('sum', mask, x.shape, attrs.dims); // (kept)
      const share = be.binary('div', dy, kept, count, kept); // (kept)
      return [be.binary('mul', mask, x.shape, share, kept)];
    },
  };
}

// ---- movement ---------------------------------------------------------------------------------------

/** Contiguous buffers make reshape free: the output shares the input's buffer (a view, as torch's). */
const reshape: OpDef<{ shape: Shape }> = {
  name: 'reshape',
  forward: (_be, inputs, { shape }) => {
    const x = arg(inputs, 0);
    return { out: { buf: x.buf, shape, dtype: x.dtype }, saved: null };
  },
  backward: (_be, dy) => [dy],
};

const permute: OpDef<{ perm: readonly number[] }> = {
  name: 'permute',
  forward: (be, inputs, { perm }) => {
    // A view, as torch's: the copy is made only if an op reads its buffer (see ViewOperand).
    return { out: permutedView(be, arg(inputs, 0), perm), saved: null };
  },
  backward: (be, dy, { out, attrs }) => {
    const inverse = new Array<number>(attrs.perm.length);
    attrs.perm.forEach((p, i) => (inverse[p] = i));
    return [be.permute(dy, out.shape, inverse)];
  },
};

const expand: OpDef<{ shape: Shape }> = {
  name: 'expand',
  forward: (be, inputs, { shape }) => {
    const x = arg(inputs, 0);
    const buf = sameShape(x.shape, shape) ? x.buf : be.expand(x.buf, x.shape, shape);
    return { out: { buf, shape, dtype: x.dtype }, saved: null };
  },
  backward: (be, dy, { inputs, out }) => [sumTo(be, dy, out.shape, arg(inputs, 0).shape)],
};

// ---- convolution, pooling, embedding --------------------------------------------------------------

export interface Window2d {
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
}

function convGeometry(x: Shape, w: Shape, a: Window2d): Conv2dGeometry {
  const [n, cIn, h, wd] = x as [number, number, number, number];
  const [cOut, wIn, kH, kW] = w as [number, number, number, number];
  if (x.length !== 4 || w.length !== 4 || wIn !== cIn) {
    throw new RangeError(
      `conv2d: input [${x.join(', ')}] and weight [${w.join(', ')}] do not match (groups=1)`,
    );
  }
  const [strideH, strideW] = a.stride;
  const [padH, padW] = a.padding;
  const [dilH, dilW] = a.dilation;
  return { n, cIn, h, w: wd, cOut, kH, kW, strideH, strideW, padH, padW, dilH, dilW };
}

function windowOut(size: number, k: number, stride: number, pad: number, dil: number): number {
  const out = Math.floor((size + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
  if (out <= 0) throw new RangeError('Output size is too small');
  return out;
}

const conv2d: OpDef<Window2d> = {
  name: 'conv2d',
  forward: (be, inputs, attrs) => {
    const x = arg(inputs, 0);
    const w = arg(inputs, 1);
    const g = convGeometry(x.shape, w.shape, attrs);
    const hOut = windowOut(g.h, g.kH, g.strideH, g.padH, g.dilH);
    const wOut = windowOut(g.w, g.kW, g.strideW, g.padW, g.dilW);
    return { out: f32(be.conv2d(x.buf, w.buf, g), [g.n, g.cOut, hOut, wOut]), saved: null }; // (N, O, Ho, Wo)
  },
  backward: (be, dy, { inputs, attrs, needs }) => {
    const x = arg(inputs, 0);
    const w = arg(inputs, 1);
    const g = convGeometry(x.shape, w.shape, attrs);
    return [
      needs[0] ? be.conv2dBackwardInput(dy, w.buf, g) : null,
      needs[1] ? be.conv2dBackwardWeight(x.buf, dy, g) : null,
    ];
  },
};

export interface Pool2dAttrs extends Window2d {
  readonly kernel: readonly [number, number];
}

function poolGeometry(x: Shape, a: Pool2dAttrs): { g: Pool2dGeometry; shape: number[] } {
  if (x.length !== 4) throw new RangeError(`pool2d: expected (N, C, H, W), got [${x.join(', ')}]`);
  const [n, c, h, w] = x as [number, number, number, number];
  const [kH, kW] = a.kernel;
  const g = {
    n, c, h, w, kH, kW,
    strideH: a.stride[0], strideW: a.stride[1], padH: a.padding[0], padW: a.padding[1],
    dilH: a.dilation[0], dilW: a.dilation[1],
  }; // prettier-ignore
  if (a.padding[0] * 2 > kH || a.padding[1] * 2 > kW) {
    throw new RangeError('pad should be at most half of effective kernel size');
  }
  const shape = [
    n,
    c,
    windowOut(h, kH, g.strideH, g.padH, g.dilH),
    windowOut(w, kW, g.strideW, g.padW, g.dilW),
  ];
  return { g, shape }; // (N, C, Ho, Wo)
}

const maxPool2d: OpDef<Pool2dAttrs, DeviceBuffer> = {
  name: 'max_pool2d',
  forward: (be, inputs, attrs) => {
    const { g, shape } = poolGeometry(arg(inputs, 0).shape, attrs);
    const { y, indices } = be.maxPool2d(arg(inputs, 0).buf, g);
    return { out: f32(y, shape), saved: indices };
  },
  backward: (be, dy, { inputs, attrs, saved }) => [
    be.maxPool2dBackward(dy, saved, poolGeometry(arg(inputs, 0).shape, attrs).g),
  ],
};

const avgPool2d: OpDef<Pool2dAttrs> = {
  name: 'avg_pool2d',
  forward: (be, inputs, attrs) => {
    const { g, shape } = poolGeometry(arg(inputs, 0).shape, attrs);
    return { out: f32(be.avgPool2d(arg(inputs, 0).buf, g), shape), saved: null };
  },
  backward: (be, dy, { inputs, attrs }) => [
    be.avgPool2dBackward(dy, poolGeometry(arg(inputs, 0).shape, attrs).g),
  ],
};

/** inputs: weight (rows, dim) float32, indices (...) int64 -> (..., dim). */
const embedding: OpDef<{ paddingIdx: number | null }> = {
  name: 'embedding',
  forward: (be, inputs) => {
    const w = arg(inputs, 0);
    const idx = arg(inputs, 1);
    if (idx.dtype !== 'int64') throw new TypeError('embedding: indices must be int64');
    const dim = w.shape[1] as number;
    const count = sizeOf(idx.shape);
    return { out: f32(be.embedding(w.buf, idx.buf, count, dim), [...idx.shape, dim]), saved: null };
  },
  backward: (be, dy, { inputs, attrs }) => {
    const w = arg(inputs, 0);
    const idx = arg(inputs, 1);
    const [rows, dim] = w.shape as [number, number];
    return [be.embeddingBackward(dy, idx.buf, sizeOf(idx.shape), rows, dim, attrs.paddingIdx), null];
  },
};

// ---- fused rows -------------------------------------------------------------------------------

/** (rows, cols) of a view whose last dim is the one reduced. */
function rowsOf(shape: Shape): [number, number] {
  const cols = shape.at(-1) ?? 1;
  return [cols === 0 ? 0 : sizeOf(shape) / cols, cols];
}

/** softmax / log_softmax over the last dim: one kernel forward, one backward (dx from y and dy). */
const softmax: OpDef<{ kind: SoftmaxKind }> = {
  name: 'softmax',
  forward: (be, inputs, { kind }) => {
    const x = arg(inputs, 0);
    const [rows, cols] = rowsOf(x.shape);
    return { out: f32(be.softmax(kind, x.buf, rows, cols), x.shape), saved: null };
  },
  backward: (be, dy, { out, attrs }) => {
    const [rows, cols] = rowsOf(out.shape);
    return [be.softmaxBackward(attrs.kind, out.buf, dy, rows, cols)];
  },
};

/**
 * layer_norm of x over its last dims, d elements in all (attrs.d), with gamma and beta (d); saves each row's
 * mean and rstd for the backward.
 */
const layerNorm: OpDef<{ d: number; eps: number }, { mean: DeviceBuffer; rstd: DeviceBuffer }> = {
  name: 'layer_norm',
  forward: (be, inputs, { d, eps }) => {
    const [x, gamma, beta] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
    const rows = sizeOf(x.shape) / d;
    const { y, mean, rstd } = be.layerNorm(x.buf, gamma.buf, beta.buf, rows, d, eps);
    return { out: f32(y, x.shape), saved: { mean, rstd } };
  },
  backward: (be, dy, { inputs, attrs: { d }, saved }) => {
    const [x, gamma] = [arg(inputs, 0), arg(inputs, 1)];
    const g = be.layerNormBackward(dy, x.buf, gamma.buf, saved.mean, saved.rstd, sizeOf(x.shape) / d, d);
    return [g.dx, g.dgamma, g.dbeta];
  },
};

export const ops = {
  neg,
  exp,
  log,
  sqrt,
  relu,
  tanh,
  sigmoid,
  erf,
  add,
  sub,
  mul,
  div,
  sum: reduceOp('sum'),
  amax: reduceOp('max'),
  reshape,
  permute,
  expand,
  pad,
  where,
  matmul,
  conv2d,
  maxPool2d,
  avgPool2d,
  embedding,
  softmax,
  layerNorm,
  attention,
} as const;

export type OpName = keyof typeof ops;
