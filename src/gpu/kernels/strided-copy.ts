/**
 * Host side of shaders/strided_copy.wgsl: a contiguous copy of a strided view of a buffer, for expand
 * (broadcast dims read with stride 0) and permute (strides permuted). Also the kernel's TypeScript twin.
 */
import { type Shape, broadcastStrides, contiguousStrides, sizeOf } from '../../kernels/broadcast.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';
import { mergeDims, packDims } from './layout.ts';

export const StridedCopyParams = defineParams('StridedCopyParams', {
  n: 'u32',
  rank: 'u32',
  shape: 'array<vec4<u32>, 2>',
  strides: 'array<vec4<u32>, 2>',
});

const WG = 256;

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

/** out (contiguous, outShape) = src read at sum(coord[d] * strides[d]); 32-bit words of any dtype. */
export function encodeStridedCopy(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: { src: GPUBuffer; out: GPUBuffer; outShape: Shape; strides: readonly number[] },
): void {
  const n = sizeOf(args.outShape);
  const merged = mergeDims(args.outShape, [args.strides]);
  step.dispatch({
    pipeline: runtime.pipeline('strided_copy', 'main', { WG }),
    buffers: [args.src, args.out],
    params: StridedCopyParams.pack({
      n,
      rank: merged.shape.length,
      shape: packDims(merged.shape, 'strided_copy'),
      strides: packDims(merged.strides[0]!, 'strided_copy'),
    }),
    workgroups: grid1d(n, WG),
    label: 'strided_copy',
  });
}

/** The twin: out[i] = src[offset(i)], walking outShape in C order with the given source strides. */
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
