/**
 * Host side of shaders/pad.wgsl: zero padding along every dim, a negative amount cropping (narrow).
 * Twin: src/kernels/pad.ts.
 */
import { type Shape, sizeOf } from '../../kernels/broadcast.ts';
import { paddedShape } from '../../kernels/pad.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';
import { packDims } from './layout.ts';

export const PadParams = defineParams('PadParams', {
  n: 'u32',
  rank: 'u32',
  outShape: 'array<vec4<u32>, 2>',
  srcShape: 'array<vec4<u32>, 2>',
  before: 'array<vec4<i32>, 2>',
});

const WG = 256;

/** out (contiguous, paddedShape(shape, before, after)) from src (contiguous, shape); 32-bit words. */
export function encodePad(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: {
    src: GPUBuffer;
    out: GPUBuffer;
    shape: Shape;
    before: readonly number[];
    after: readonly number[];
  },
): void {
  const outShape = paddedShape(args.shape, args.before, args.after);
  const n = sizeOf(outShape);
  if (n === 0) return;
  step.dispatch({
    pipeline: runtime.pipeline('pad', 'main', { WG }),
    buffers: [args.src, args.out],
    params: PadParams.pack({
      n,
      rank: args.shape.length,
      outShape: packDims(outShape, 'pad'),
      srcShape: packDims(args.shape, 'pad'),
      before: packDims(args.before, 'pad'),
    }),
    workgroups: grid1d(n, WG),
    label: 'pad',
  });
}
