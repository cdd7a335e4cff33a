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
export function encodeDropout(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: { x: GPUBuffer; y: GPUBuffer; mask: GPUBuffer; n: number; options: DropoutOptions },
): void {
  step.dispatch({
    pipeline: runtime.pipeline('dropout', 'main', { WG }),
    buffers: [args.x, args.y, args.mask],
    params: packDropout(args.n, args.options),
    workgroups: grid1d(Math.ceil(args.n / 4), WG),
    label: 'dropout',
  });
}

/** The mask alone (entry mask_only): what src/kernels/dropout.ts dropoutMask gives, bit for bit. */
export function encodeDropoutMask(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: { mask: GPUBuffer; n: number; options: DropoutOptions },
): void {
  step.dispatch({
    pipeline: runtime.pipeline('dropout', 'mask_only', { WG }),
    buffers: [args.mask],
    params: packDropout(args.n, args.options),
    workgroups: grid1d(Math.ceil(args.n / 4), WG),
    label: 'dropout.mask',
  });
}

function packDropout(n: number, { p, seed, offset }: DropoutOptions): ArrayBuffer {
  if (!(p >= 0 && p <= 1))
    throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  // p = 1 drops everything: u >= p never holds for u < 1, and scale is then unused.
  return DropoutParams.pack({
    n,
    p,
    scale: p === 1 ? 0 : 1 / (1 - p),
    offset,
    seed0: seed[0] >>> 0,
    seed1: seed[1] >>> 0,
  });
}
