/** Host side of shaders/dropout.wgsl: Philox dropout, bit-identical to src/kernels/dropout.ts. */
import type { DropoutParams as DropoutOptions } from '../../kernels/dropout.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const DropoutParams = defineParams('DropoutParams', {
  n: 'u32',
  p: 'f32',
  scale: 'f32',
  offset: 'u32',
  seed0: 'u32',
  seed1: 'u32',
});

const WG = 256;

/** y = x * mask, mask = 0 or 1 / (1 - p); the backward is dy * mask (a binary mul). */
export async function encodeDropout(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: { x: GPUBuffer; y: GPUBuffer; mask: GPUBuffer; n: number; options: DropoutOptions },
): Promise<void> {
  const { p, seed, offset } = args.options;
  if (!(p >= 0 && p <= 1))
    throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  const pipeline = await runtime.pipeline('dropout', 'main', { WG });
  step.dispatch({
    pipeline,
    buffers: [args.x, args.y, args.mask],
    // p = 1 drops everything: u >= p never holds for u < 1, and scale is then unused.
    params: DropoutParams.pack({
      n: args.n,
      p,
      scale: p === 1 ? 0 : 1 / (1 - p),
      offset,
      seed0: seed[0] >>> 0,
      seed1: seed[1] >>> 0,
    }),
    workgroups: grid1d(Math.ceil(args.n / 4), WG),
    label: 'dropout',
  });
}
