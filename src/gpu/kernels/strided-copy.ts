/**
 * Host side of shaders/strided_copy.wgsl: a contiguous copy of a strided view of a buffer, for expand
 * (broadcast dims read with stride 0) and permute (strides permuted). Twin: src/kernels/strided-copy.ts.
 */
import { type Shape, sizeOf } from '../../kernels/broadcast.ts';
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
