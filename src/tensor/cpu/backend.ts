/**
 * The CPU backend: plain TypeScript over Float32Array / Int32Array. Its kernels are the TypeScript twins
 * of the WGSL kernels (src/kernels/, and the strided copy's beside its host in src/gpu/kernels/), so the
 * CPU and WebGPU backends compute alike; dropout masks are the same Philox bits on both.
 */
import { erf } from '../../kernels/activation.ts';
import { attentionBackward, attentionForward } from '../../kernels/attention.ts';
import { binary } from '../../kernels/binary.ts';
import { dropoutMask } from '../../kernels/dropout.ts';
import { embedding, embeddingBackward } from '../../kernels/embedding.ts';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from '../../kernels/conv2d.ts';
import { matmul } from '../../kernels/matmul.ts';
import { pad } from '../../kernels/pad.ts';
import { where } from '../../kernels/where.ts';
import { expandStrides, permuteStrides, stridedCopy } from '../../kernels/strided-copy.ts';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from '../../kernels/pool2d.ts';
import { reduce } from '../../kernels/reduce.ts';
import { resizeBilinear } from '../../kernels/resize.ts';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from '../../kernels/softmax.ts';
import { unary, unaryBackward } from '../../kernels/unary.ts';
import type {
  AdamHyper,
  AttentionGeometry,
  Backend,
  BinaryOp,
  Conv2dGeometry,
  DType,
  DeviceBuffer,
  HostArray,
  MatmulGeometry,
  Pool2dGeometry,
  ResizeGeometry,
  SoftmaxKind,
  ReduceOp,
  SgdHyper,
  Shape,
  UnaryGradOp,
  UnaryOp,
} from '../backend.ts';
import { philoxKey } from '../random.ts';
import { adamStep, sgdStep } from './optim.ts';

const wrap = (a: HostArray): DeviceBuffer => a as unknown as DeviceBuffer;
const f32 = (b: DeviceBuffer): Float32Array => {
  const a = b as unknown as HostArray;
  if (!(a instanceof Float32Array)) throw new TypeError('cpu backend: expected a float32 buffer');
  return a;
};
const i32 = (b: DeviceBuffer): Int32Array => {
  const a = b as unknown as HostArray;
  if (!(a instanceof Int32Array)) throw new TypeError('cpu backend: expected an int64 (int32-backed) buffer');
  return a;
};
const host = (b: DeviceBuffer): HostArray => b as unknown as HostArray;

export class CpuBackend implements Backend {
  readonly name = 'cpu';

  upload(data: HostArray): DeviceBuffer {
    return wrap(data.slice());
  }

  full(numel: number, value: number, dtype: DType): DeviceBuffer {
    return wrap(
      dtype === 'float32' ? new Float32Array(numel).fill(value) : new Int32Array(numel).fill(value),
    );
  }

  write(dst: DeviceBuffer, data: HostArray): void {
    const d = host(dst);
    if (d.length !== data.length || d.constructor !== data.constructor)
      throw new RangeError('write: size or dtype');
    d.set(data);
  }

  assign(dst: DeviceBuffer, src: DeviceBuffer): void {
    this.write(dst, host(src));
  }

  read(buf: DeviceBuffer, dtype: DType): Promise<HostArray> {
    return Promise.resolve(this.readSync(buf, dtype));
  }

  readSync(buf: DeviceBuffer, dtype: DType): HostArray {
    return (dtype === 'float32' ? f32(buf) : i32(buf)).slice();
  }

  unary(op: UnaryOp, x: DeviceBuffer, _numel: number): DeviceBuffer {
    const xs = f32(x);
    // erf is not in src/kernels/unary.ts's list; shaders/unary.wgsl appends it, with activation.ts's formula.
    if (op === 'erf') return wrap(xs.map(erf));
    return wrap(unary(op, xs));
  }

  unaryGrad(op: UnaryGradOp, saved: DeviceBuffer, dy: DeviceBuffer, _numel: number): DeviceBuffer {
    if (op === 'erf') {
      // d erf(x)/dx = 2/sqrt(pi) exp(-x^2), as shaders/unary.wgsl's unary_grad.
      const x = f32(saved);
      return wrap(f32(dy).map((g, i) => g * 1.1283791670955126 * Math.exp(-x[i]! * x[i]!)));
    }
    return wrap(unaryBackward(op, f32(saved), f32(dy)));
  }

  binary(op: BinaryOp, a: DeviceBuffer, aShape: Shape, b: DeviceBuffer, bShape: Shape): DeviceBuffer {
    return wrap(binary(op, f32(a), aShape, f32(b), bShape).data);
  }

  reduce(op: ReduceOp, x: DeviceBuffer, shape: Shape, axes: readonly number[]): DeviceBuffer {
    return wrap(reduce(op, f32(x), shape, axes, true).data);
  }

  expand(x: DeviceBuffer, shape: Shape, outShape: Shape): DeviceBuffer {
    return wrap(stridedCopy(host(x), outShape, expandStrides(shape, outShape)));
  }

  permute(x: DeviceBuffer, shape: Shape, perm: readonly number[]): DeviceBuffer {
    const { outShape, strides } = permuteStrides(shape, perm);
    return wrap(stridedCopy(host(x), outShape, strides));
  }

  pad(x: DeviceBuffer, shape: Shape, before: readonly number[], after: readonly number[]): DeviceBuffer {
    return wrap(pad(host(x), shape, before, after));
  }

  where(
    cond: DeviceBuffer,
    condShape: Shape,
    a: DeviceBuffer,
    aShape: Shape,
    b: DeviceBuffer,
    bShape: Shape,
  ): DeviceBuffer {
    return wrap(where(f32(cond), condShape, f32(a), aShape, f32(b), bShape));
  }

  matmul(a: DeviceBuffer, b: DeviceBuffer, g: MatmulGeometry): DeviceBuffer {
    const av = f32(a);
    const bv = f32(b);
    // The kernel tells a shared operand by its length; with batch 1 both readings agree.
    if (!g.aBatched && av.length !== g.m * g.k) throw new RangeError('matmul: A size');
    if (!g.bBatched && bv.length !== g.k * g.n) throw new RangeError('matmul: B size');
    return wrap(matmul(av, bv, g));
  }

  conv2d(x: DeviceBuffer, weight: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer {
    return wrap(conv2d(f32(x), f32(weight), null, g));
  }

  conv2dBackwardInput(dy: DeviceBuffer, weight: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer {
    return wrap(conv2dBackwardInput(f32(dy), f32(weight), g));
  }

  conv2dBackwardWeight(x: DeviceBuffer, dy: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer {
    return wrap(conv2dBackwardWeight(f32(x), f32(dy), g));
  }

  maxPool2d(x: DeviceBuffer, g: Pool2dGeometry): { y: DeviceBuffer; indices: DeviceBuffer } {
    const { y, indices } = maxPool2d(f32(x), g);
    return { y: wrap(y), indices: wrap(indices) };
  }

  maxPool2dBackward(dy: DeviceBuffer, indices: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer {
    return wrap(maxPool2dBackward(f32(dy), i32(indices), g));
  }

  avgPool2d(x: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer {
    return wrap(avgPool2d(f32(x), g));
  }

  avgPool2dBackward(dy: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer {
    return wrap(avgPool2dBackward(f32(dy), g));
  }

  resizeBilinear(x: DeviceBuffer, g: ResizeGeometry): DeviceBuffer {
    return wrap(resizeBilinear(f32(x), g));
  }

  softmax(kind: SoftmaxKind, x: DeviceBuffer, rows: number, cols: number): DeviceBuffer {
    return wrap((kind === 'softmax' ? softmax : logSoftmax)(f32(x), rows, cols));
  }

  softmaxBackward(
    kind: SoftmaxKind,
    y: DeviceBuffer,
    dy: DeviceBuffer,
    rows: number,
    cols: number,
  ): DeviceBuffer {
    const backward = kind === 'softmax' ? softmaxBackward : logSoftmaxBackward;
    return wrap(backward(f32(y), f32(dy), rows, cols));
  }

  embedding(weight: DeviceBuffer, indices: DeviceBuffer, _count: number, dim: number): DeviceBuffer {
    const w = f32(weight);
    return wrap(embedding(w, i32(indices), w.length / dim, dim));
  }

  embeddingBackward(
    dy: DeviceBuffer,
    indices: DeviceBuffer,
    _count: number,
    rows: number,
    dim: number,
    paddingIdx: number | null,
  ): DeviceBuffer {
    const dw = embeddingBackward(f32(dy), i32(indices), rows, dim);
    // padding_idx's row gets no gradient (the shader skips it; here it is cleared after the scatter-add).
    if (paddingIdx !== null && paddingIdx >= 0 && paddingIdx < rows)
      dw.fill(0, paddingIdx * dim, (paddingIdx + 1) * dim);
    return wrap(dw);
  }

  oneHot(targets: DeviceBuffer, count: number, classes: number, ignoreIndex: number): DeviceBuffer {
    // As shaders/embedding.wgsl `one_hot`, but an out-of-range target throws here (torch's error).
    const t = i32(targets);
    const out = new Float32Array(count * classes);
    for (let i = 0; i < count; i++) {
      const c = t[i]!;
      if (c === ignoreIndex) continue;
      if (c < 0 || c >= classes) throw new RangeError(`Target ${c} is out of bounds.`);
      out[i * classes + c] = 1;
    }
    return wrap(out);
  }

  dropoutMask(numel: number, p: number, seed: number, offset: number): DeviceBuffer {
    return wrap(dropoutMask(numel, { p, seed: philoxKey(seed), offset }));
  }

  sgdStep(
    param: DeviceBuffer,
    grad: DeviceBuffer,
    buf: DeviceBuffer | null,
    _numel: number,
    h: SgdHyper,
  ): void {
    sgdStep(f32(param), f32(grad), buf === null ? null : f32(buf), h);
  }

  adamStep(
    param: DeviceBuffer,
    grad: DeviceBuffer,
    expAvg: DeviceBuffer,
    expAvgSq: DeviceBuffer,
    maxExpAvgSq: DeviceBuffer | null,
    _numel: number,
    h: AdamHyper,
  ): void {
    adamStep(
      f32(param),
      f32(grad),
      f32(expAvg),
      f32(expAvgSq),
      maxExpAvgSq === null ? null : f32(maxExpAvgSq),
      h,
    );
  }

  // ---- fused causal attention ---------------------------------------------------------------------

  attention(
    q: DeviceBuffer,
    k: DeviceBuffer,
    v: DeviceBuffer,
    g: AttentionGeometry,
  ): { out: DeviceBuffer; probs: DeviceBuffer } {
    const { out, probs } = attentionForward(f32(q), f32(k), f32(v), g);
    return { out: wrap(out), probs: wrap(probs) };
  }

  attentionBackward(
    q: DeviceBuffer,
    k: DeviceBuffer,
    v: DeviceBuffer,
    probs: DeviceBuffer,
    out: DeviceBuffer,
    dOut: DeviceBuffer,
    g: AttentionGeometry,
  ): { dq: DeviceBuffer; dk: DeviceBuffer; dv: DeviceBuffer } {
    const r = attentionBackward(f32(q), f32(k), f32(v), f32(probs), f32(out), f32(dOut), g);
    return { dq: wrap(r.dq), dk: wrap(r.dk), dv: wrap(r.dv) };
  }
}

/** The one CPU backend instance (it holds no state). */
export const cpu = new CpuBackend();
