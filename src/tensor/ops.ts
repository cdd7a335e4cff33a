/**
 * THE op table: every differentiable primitive, its forward (backend kernels on buffers) and its backward
 * (backend kernels on buffers, returning one gradient per input). Everything else (softmax, losses, norms,
 * linear, ...) is composed from these in functional/. Autograd (autograd.ts) and Tensor (tensor.ts) read
 * this table and nothing else; a new device only implements the Backend interface.
 *
 * 24 primitives: 8 unary, 4 binary (broadcasting), 2 reductions, 4 movement (reshape, permute, expand, pad;
 * pad with negative amounts is narrow), where, matmul, conv2d, 2 poolings, embedding. cat, split, narrow and
 * masked_fill are composed from pad and where (Tensor, functional/join.ts), as teenygrad composes them.
 * Two fused ops with backward formulas of their own, each proven equal to its composite: softmax (against
 * functional/activation.ts by test/unit/engine/fused.test.ts, and torch by the ops test) and causal attention.
 */
import type {
  Backend,
  Conv2dGeometry,
  DType,
  DeviceBuffer,
  Pool2dGeometry,
  ReduceOp,
  Shape,
  SoftmaxKind,
  UnaryOp,
} from './backend.ts';
import { broadcastAxes, broadcastShapes, sameShape, sizeOf } from './shape.ts';

export interface Operand {
  readonly buf: DeviceBuffer;
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface OpContext<A, S> {
  readonly inputs: readonly Operand[];
  readonly out: Operand;
  readonly attrs: A;
  readonly saved: S;
  /** needs[i]: input i requires a gradient; backward may return null for the others. */
  readonly needs: readonly boolean[];
}

export interface OpDef<A = unknown, S = unknown> {
  readonly name: string;
  forward(be: Backend, inputs: readonly Operand[], attrs: A): { out: Operand; saved: S };
  backward(be: Backend, dy: DeviceBuffer, ctx: OpContext<A, S>): (DeviceBuffer | null)[];
}

const f32 = (buf: DeviceBuffer, shape: Shape): Operand => ({ buf, shape, dtype: 'float32' });
const arg = (inputs: readonly Operand[], i: number): Operand => {
  const x = inputs[i];
  if (x === undefined) throw new RangeError(`missing input ${i}`);
  return x;
};

/** dy of `outShape` summed over the dims a `shape` input was broadcast along: a buffer of `shape`. */
export function sumTo(be: Backend, dy: DeviceBuffer, outShape: Shape, shape: Shape): DeviceBuffer {
  const axes = broadcastAxes(shape, outShape);
  return axes.length === 0 ? dy : be.reduce('sum', dy, outShape, axes);
}

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
    const x = arg(inputs, 0);
    const shape = perm.map((p) => x.shape[p] as number);
    return { out: { buf: be.permute(x.buf, x.shape, perm), shape, dtype: x.dtype }, saved: null };
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

/**
 * Zero padding by before[d] / after[d] along each dim; negative amounts crop, so narrow is pad too. The
 * backward of pad(x, before, after) is pad(dy, -before, -after): the crop of dy back to x's window.
 */
const pad: OpDef<{ before: readonly number[]; after: readonly number[] }> = {
  name: 'pad',
  forward: (be, inputs, { before, after }) => {
    const x = arg(inputs, 0);
    const shape = x.shape.map((d, i) => d + (before[i] as number) + (after[i] as number));
    return { out: { buf: be.pad(x.buf, x.shape, before, after), shape, dtype: x.dtype }, saved: null };
  },
  backward: (be, dy, { out, attrs }) => [
    be.pad(
      dy,
      out.shape,
      attrs.before.map((v) => -v),
      attrs.after.map((v) => -v),
    ),
  ],
};

/**
 * where(cond, a, b): cond != 0 ? a : b, all three broadcast (cond: float32 0/1, no gradient). Each branch's
 * gradient is dy where it was chosen and 0 elsewhere, summed back to its own shape.
 */
const where: OpDef = {
  name: 'where',
  forward: (be, inputs) => {
    const [c, a, b] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
    const shape = broadcastShapes(broadcastShapes(c.shape, a.shape), b.shape);
    return { out: f32(be.where(c.buf, c.shape, a.buf, a.shape, b.buf, b.shape), shape), saved: null };
  },
  backward: (be, dy, { inputs, out, needs }) => {
    const [c, a, b] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
    const zero = be.full(1, 0, 'float32');
    const da = needs[1] ? be.where(c.buf, c.shape, dy, out.shape, zero, []) : null;
    const db = needs[2] ? be.where(c.buf, c.shape, zero, [], dy, out.shape) : null;
    return [
      null,
      da === null ? null : sumTo(be, da, out.shape, a.shape),
      db === null ? null : sumTo(be, db, out.shape, b.shape),
    ];
  },
};

// ---- matmul -----------------------------------------------------------------------------------------

/**
 * a (..., m, k) @ op(b) -> (..., m, n), op(b) being b (..., k, n), or b stored (..., n, k) with transB (a
 * Linear weight: no transpose copy). A 2-D b is one matrix shared by every leading index: a's leading dims
 * fold into m. Otherwise the leading dims broadcast (torch.matmul): an operand whose leading dims hold one
 * matrix is read shared, one broadcast along some of them is expanded first (saved for the backward).
 */
const matmul: OpDef<{ transB: boolean }, MatmulPlan> = {
  name: 'matmul',
  forward: (be, inputs, { transB }) => {
    const a = arg(inputs, 0);
    const b = arg(inputs, 1);
    const plan = planMatmul(be, a, b, transB);
    const buf = be.matmul(plan.a, plan.b, { ...plan.g, transA: false, transB });
    return { out: f32(buf, plan.outShape), saved: plan }; // (..., m, n)
  },
  backward: (be, dy, { inputs, attrs, needs, saved }) => {
    const { g, lead } = saved;
    const { batch, m, k, n, aBatched, bBatched } = g;
    // dA (m, k) = dY (m, n) @ op(B)^T: with B stored (n, k) (transB) that is dY @ B, else dY @ B^T.
    const da = needs[0]
      ? be.matmul(dy, saved.b, { batch, aBatched: true, bBatched, m, k: n, n: k, transA: false, transB: !attrs.transB })
      : null; // (batch, m, k)
    // dB stored (n, k) = dY^T (n, m) @ A (m, k); stored (k, n) = A^T (k, m) @ dY (m, n).
    const db = !needs[1]
      ? null
      : attrs.transB
        ? be.matmul(dy, saved.a, { batch, aBatched: true, bBatched: aBatched, m: n, k: m, n: k, transA: true, transB: false })
        : be.matmul(saved.a, dy, { batch, aBatched, bBatched: true, m: k, k: m, n, transA: true, transB: false });
    // A shared or expanded operand sums its gradient over the batch it was broadcast along.
    const toOwn = (buf: DeviceBuffer, batched: boolean, tail: number[], own: Shape): DeviceBuffer => {
      if (g.folded) return buf;
      if (!batched) return batch > 1 ? be.reduce('sum', buf, [batch, ...tail], [0]) : buf;
      return sumTo(be, buf, [...lead, ...tail], own);
    };
    return [
      da === null ? null : toOwn(da, aBatched, [m, k], arg(inputs, 0).shape),
      db === null ? null : toOwn(db, bBatched, attrs.transB ? [n, k] : [k, n], arg(inputs, 1).shape),
    ];
  },
}; // prettier-ignore

interface MatmulPlan {
  g: {
    batch: number;
    m: number;
    k: number;
    n: number;
    aBatched: boolean;
    bBatched: boolean;
    folded: boolean;
  };
  /** The broadcast leading dims (empty when folded). */
  lead: number[];
  /** The operands as the kernel reads them (expanded where broadcast needed it). */
  a: DeviceBuffer;
  b: DeviceBuffer;
  outShape: number[];
}

function planMatmul(be: Backend, a: Operand, b: Operand, transB: boolean): MatmulPlan {
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new RangeError(`matmul: unsupported shapes [${a.shape.join(', ')}] @ [${b.shape.join(', ')}]`);
  }
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [bk, n] = (transB ? b.shape.slice(-2).reverse() : b.shape.slice(-2)) as [number, number];
  if (bk !== k) {
    throw new RangeError(
      `mat1 and mat2 shapes cannot be multiplied ([${a.shape.join(', ')}] @ [${b.shape.join(', ')}])`,
    );
  }
  if (b.shape.length === 2) {
    const rows = sizeOf(a.shape) / k; // (..., m, k) as (rows, k)
    const g = { batch: 1, m: rows, k, n, aBatched: true, bBatched: false, folded: true };
    return { g, lead: [], a: a.buf, b: b.buf, outShape: [...a.shape.slice(0, -1), n] };
  }
  const aLead = a.shape.slice(0, -2);
  const bLead = b.shape.slice(0, -2);
  const lead = broadcastShapes(aLead, bLead);
  const batch = sizeOf(lead);
  // One matrix is read shared; a partly broadcast operand is expanded to the full batch.
  const operand = (x: Operand, own: Shape, tail: number[]) =>
    sizeOf(own) === 1 || sameShape(own, lead)
      ? { buf: x.buf, batched: sizeOf(own) !== 1 || batch === 1 }
      : { buf: be.expand(x.buf, x.shape, [...lead, ...tail]), batched: true };
  const pa = operand(a, aLead, [m, k]);
  const pb = operand(b, bLead, b.shape.slice(-2));
  const g = { batch, m, k, n, aBatched: pa.batched, bBatched: pb.batched, folded: false };
  return { g, lead, a: pa.buf, b: pb.buf, outShape: [...lead, m, n] }; // (...lead, m, n)
}

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

// ---- fused causal attention ---------------------------------------------------------------------------

/**
 * torch's F.scaled_dot_product_attention(q, k, v, is_causal=True), without dropout, as ONE op: q, k, v
 * (..., T, D) -> (..., T, D). A fused kernel, not a primitive: test/gpu/attention.test.ts proves it equals
 * functional/attention.ts's composite of matmul, where, softmax and matmul, values and gradients. It saves
 * the probabilities P (..., T, T) for the backward (src/kernels/attention.ts says why not the log-sum-exp).
 */
const attention: OpDef<{ scale: number }, DeviceBuffer> = {
  name: 'attention',
  forward: (be, inputs, { scale }) => {
    const [q, k, v] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
    const g = attentionGeometry(q.shape, k.shape, v.shape, scale);
    const { out, probs } = be.attention(q.buf, k.buf, v.buf, g);
    return { out: f32(out, q.shape), saved: probs }; // (..., T, D)
  },
  backward: (be, dy, { inputs, out, attrs, saved, needs }) => {
    const [q, k, v] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
    const g = attentionGeometry(q.shape, k.shape, v.shape, attrs.scale);
    const { dq, dk, dv } = be.attentionBackward(q.buf, k.buf, v.buf, saved, out.buf, dy, g);
    return [needs[0] ? dq : null, needs[1] ? dk : null, needs[2] ? dv : null];
  },
};

/** (heads, t, d) of q, k, v (..., T, D), all three of one shape (self-attention without a kv cache). */
function attentionGeometry(q: Shape, k: Shape, v: Shape, scale: number) {
  if (q.length < 2 || !sameShape(q, k) || !sameShape(q, v)) {
    throw new RangeError(
      `attention: q, k, v must share one shape (..., T, D), got [${q.join(', ')}], [${k.join(', ')}], [${v.join(', ')}]`,
    );
  }
  const [t, d] = q.slice(-2) as [number, number];
  return { heads: sizeOf(q) / (t * d), t, d, scale };
}

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
  attention,
  softmax,
} as const;

export type OpName = keyof typeof ops;
