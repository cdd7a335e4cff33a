/**
 * The CPU backend: plain TypeScript over Float32Array / Int32Array. Its kernels are those of
 * src/kernels/ (the WGSL kernels' twins); the few not there yet are simple loops marked TODO(kernels).
 */
import { erf } from '../../kernels/activation.ts';
import { binary } from '../../kernels/binary.ts';
import { broadcastStrides, contiguousStrides, sizeOf } from '../../kernels/broadcast.ts';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from '../../kernels/conv2d.ts';
import { matmul } from '../../kernels/matmul.ts';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from '../../kernels/pool2d.ts';
import { reduce } from '../../kernels/reduce.ts';
import { unary, unaryBackward } from '../../kernels/unary.ts';
import type {
  AdamHyper,
  Backend,
  BinaryOp,
  Conv2dGeometry,
  DType,
  DeviceBuffer,
  HostArray,
  MatmulGeometry,
  Pool2dGeometry,
  ReduceOp,
  SgdHyper,
  Shape,
  UnaryGradOp,
  UnaryOp,
} from '../backend.ts';
import { counterUniform } from '../random.ts';
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
    if (op === 'erf') return wrap(xs.map(erf)); // TODO(kernels): erf is not a unary kernel op yet
    return wrap(unary(op, xs));
  }

  unaryGrad(op: UnaryGradOp, saved: DeviceBuffer, dy: DeviceBuffer, _numel: number): DeviceBuffer {
    if (op === 'erf') {
      // TODO(kernels): d erf(x)/dx = 2/sqrt(pi) exp(-x^2)
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
    // TODO(kernels): a broadcast-copy kernel
    const src = host(x);
    const total = sizeOf(outShape);
    const out = src instanceof Float32Array ? new Float32Array(total) : new Int32Array(total);
    const strides = broadcastStrides(shape, outShape);
    gather(out, src, outShape, strides);
    return wrap(out);
  }

  permute(x: DeviceBuffer, shape: Shape, perm: readonly number[]): DeviceBuffer {
    // TODO(kernels): a transpose kernel
    const src = host(x);
    const inStrides = contiguousStrides(shape);
    const outShape = perm.map((p) => shape[p]!);
    const out = src instanceof Float32Array ? new Float32Array(src.length) : new Int32Array(src.length);
    gather(
      out,
      src,
      outShape,
      perm.map((p) => inStrides[p]!),
    );
    return wrap(out);
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

  embedding(weight: DeviceBuffer, indices: DeviceBuffer, count: number, dim: number): DeviceBuffer {
    // TODO(kernels): embedding gather
    const w = f32(weight);
    const idx = i32(indices);
    const rows = w.length / dim;
    const out = new Float32Array(count * dim);
    for (let i = 0; i < count; i++) {
      const r = idx[i]!;
      if (r < 0 || r >= rows)
        throw new RangeError(`index ${r} is out of range for an embedding of ${rows} rows`);
      out.set(w.subarray(r * dim, (r + 1) * dim), i * dim);
    }
    return wrap(out);
  }

  embeddingBackward(
    dy: DeviceBuffer,
    indices: DeviceBuffer,
    count: number,
    rows: number,
    dim: number,
    paddingIdx: number | null,
  ): DeviceBuffer {
    // TODO(kernels): embedding scatter-add
    const g = f32(dy);
    const idx = i32(indices);
    const acc = new Float64Array(rows * dim);
    for (let i = 0; i < count; i++) {
      const r = idx[i]!;
      if (r === paddingIdx) continue;
      for (let j = 0; j < dim; j++) acc[r * dim + j]! += g[i * dim + j]!;
    }
    return wrap(Float32Array.from(acc));
  }

  oneHot(targets: DeviceBuffer, count: number, classes: number, ignoreIndex: number): DeviceBuffer {
    // TODO(kernels): one-hot
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
    // TODO(kernels): use the kernels' counter-based RNG once it lands.
    const keep = 1 / (1 - p);
    const out = new Float32Array(numel);
    for (let i = 0; i < numel; i++) out[i] = counterUniform(seed, offset + i) < p ? 0 : keep;
    return wrap(out);
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
}

/** out[i] = src[offset(i)], walking `outShape` in C order with the given source strides. */
function gather(out: HostArray, src: HostArray, outShape: Shape, strides: readonly number[]): void {
  const rank = outShape.length;
  const index = new Array<number>(rank).fill(0);
  let s = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = src[s]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      s += strides[d]!;
      if (index[d]! < outShape[d]!) break;
      s -= strides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}

/** The one CPU backend instance (it holds no state). */
export const cpu = new CpuBackend();
