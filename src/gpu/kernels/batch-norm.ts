/** Host side of shaders/batch_norm.wgsl: training and evaluation forward, training backward. */
import type { BatchNormParams as BatchNormOptions, BatchNormShape } from '../../kernels/batch-norm.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const BatchNormParams = defineParams('BatchNormParams', {
  n: 'u32',
  c: 'u32',
  l: 'u32',
  eps: 'f32',
  momentum: 'f32',
});

const WG = 64;

export interface BatchNormGpuArgs {
  x: GPUBuffer;
  /** Without affine, pass buffers of ones and zeros. */
  gamma: GPUBuffer;
  beta: GPUBuffer;
  runningMean: GPUBuffer;
  runningVar: GPUBuffer;
  y: GPUBuffer;
  /** Per-channel statistics used (batch ones in training, running ones in evaluation), saved for backward. */
  mean: GPUBuffer;
  invStd: GPUBuffer;
  shape: BatchNormShape;
  options: BatchNormOptions;
  training: boolean;
  /** Training without track_running_stats: leave the running buffers alone. */
  updateRunning?: boolean;
}

export function encodeBatchNorm(runtime: GpuRuntime, step: StepEncoder, a: BatchNormGpuArgs): void {
  const { n, c, l } = a.shape;
  const params = BatchNormParams.pack({ n, c, l, eps: a.options.eps, momentum: a.options.momentum });
  step.dispatch({
    pipeline: runtime.pipeline('batch_norm', 'stats', {
      WG,
      EVAL: a.training ? 0 : 1,
      UPDATE_RUNNING: a.training && (a.updateRunning ?? true) ? 1 : 0,
    }),
    buffers: [a.x, a.mean, a.invStd, a.runningMean, a.runningVar],
    params,
    workgroups: grid1d(c, WG),
    label: 'batch_norm.stats',
  });
  step.dispatch({
    pipeline: runtime.pipeline('batch_norm', 'normalize', { WG }),
    buffers: [a.x, a.gamma, a.beta, a.mean, a.invStd, a.y],
    params,
    workgroups: grid1d(n * c * l, WG),
    label: 'batch_norm.normalize',
  });
}

/** Training-mode backward; dgamma and dbeta are written first and then read for dx in the same step. */
export function encodeBatchNormBackward(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: {
    dy: GPUBuffer;
    x: GPUBuffer;
    gamma: GPUBuffer;
    mean: GPUBuffer;
    invStd: GPUBuffer;
    dx: GPUBuffer;
    dgamma: GPUBuffer;
    dbeta: GPUBuffer;
    shape: BatchNormShape;
  },
): void {
  const { n, c, l } = a.shape;
  const params = BatchNormParams.pack({ n, c, l, eps: 0, momentum: 0 });
  step.dispatch({
    pipeline: runtime.pipeline('batch_norm', 'backward_reduce', { WG }),
    buffers: [a.dy, a.x, a.mean, a.invStd, a.dgamma, a.dbeta],
    params,
    workgroups: grid1d(c, WG),
    label: 'batch_norm.backward_reduce',
  });
  step.dispatch({
    pipeline: runtime.pipeline('batch_norm', 'backward_dx', { WG }),
    buffers: [a.dy, a.x, a.gamma, a.mean, a.invStd, a.dgamma, a.dbeta, a.dx],
    params,
    workgroups: grid1d(n * c * l, WG),
    label: 'batch_norm.backward_dx',
  });
}
