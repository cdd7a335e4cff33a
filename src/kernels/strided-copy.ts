/**
 * A contiguous copy of a strided view (expand: stride 0 along broadcast dims; permute: permuted strides).
 * The twin of shaders/strided_copy.wgsl (host: src/gpu/kernels/strided-copy.ts); the CPU backend's kernel.
 */
import { type Shape, broadcastStrides, contiguousStrides, sizeOf } from './broadcast.ts';

/** The source strides that read x (shape) broadcast to outShape. */
export function expandStrides(shape: Shape, outShape: Shape): number[] {
  return broadcastStrides(shape, outShape);
}

/** The source strides that read x (shape) with output dim i = input dim perm[i]; and the output shape. */
export function permuteStrides(
  shape: Shape,
  perm: readonly number[],
): { outShape: number[]; strides: number[] } {
  const inStrides = contiguousStrides(shape);
  return { outShape: perm.map((p) => shape[p]!), strides: perm.map((p) => inStrides[p]!) };
}

/** out[i] = src[offset(i)], walking outShape in C order with the given source strides. */
export function stridedCopy<T extends Float32Array | Int32Array>(
  src: T,
  outShape: Shape,
  strides: readonly number[],
): T {
  const total = sizeOf(outShape);
  const out = (src instanceof Float32Array ? new Float32Array(total) : new Int32Array(total)) as T;
  const rank = outShape.length;
  const index = new Array<number>(rank).fill(0);
  let s = 0;
  for (let i = 0; i < total; i++) {
    out[i] = src[s]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      s += strides[d]!;
      if (index[d]! < outShape[d]!) break;
      s -= strides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
  return out;
}
