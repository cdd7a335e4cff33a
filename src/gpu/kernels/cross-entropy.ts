/** Host side of shaders/cross_entropy.wgsl: fused mean cross-entropy loss and its gradient. */
import { DEFAULT_IGNORE_INDEX } from '../../kernels/loss.ts';
import type { StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const CrossEntropyParams = defineParams('CrossEntropyParams', {
  n: 'u32',
  c: 'u32',
  ignoreIndex: 'i32',
});

const WG = 256;

export function encodeCrossEntropy(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: {
    logits: GPUBuffer;
    targets: GPUBuffer;
    loss: GPUBuffer;
    grad: GPUBuffer;
    n: number;
    c: number;
    ignoreIndex?: number;
  },
): void {
  const pipeline = runtime.pipeline('cross_entropy', 'main', { WG });
  step.dispatch({
    pipeline,
    buffers: [args.logits, args.targets, args.loss, args.grad],
    params: CrossEntropyParams.pack({
      n: args.n,
      c: args.c,
      ignoreIndex: args.ignoreIndex ?? DEFAULT_IGNORE_INDEX,
    }),
    workgroups: [1],
    label: 'cross_entropy',
  });
}
