/** Host side of shaders/layer_norm.wgsl. */
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const LayerNormParams = defineParams('LayerNormParams', { rows: 'u32', d: 'u32', eps: 'f32' });

const WG = 64;

export interface LayerNormGpuArgs {
  x: GPUBuffer;
  /** Without elementwise affine, pass buffers of ones and zeros. */
  gamma: GPUBuffer;
  beta: GPUBuffer;
  y: GPUBuffer;
  mean: GPUBuffer;
  rstd: GPUBuffer;
  rows: number;
  d: number;
  eps?: number;
}

export function encodeLayerNorm(runtime: GpuRuntime, step: StepEncoder, a: LayerNormGpuArgs): void {
  step.dispatch({
    pipeline: runtime.pipeline('layer_norm', 'forward', { WG }),
    buffers: [a.x, a.gamma, a.beta, a.y, a.mean, a.rstd],
    params: LayerNormParams.pack({ rows: a.rows, d: a.d, eps: a.eps ?? 1e-5 }),
    workgroups: grid1d(a.rows, WG),
    label: 'layer_norm',
  });
}

export function encodeLayerNormBackward(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: {
    dy: GPUBuffer;
    x: GPUBuffer;
    gamma: GPUBuffer;
    mean: GPUBuffer;
    rstd: GPUBuffer;
    dx: GPUBuffer;
    dgamma: GPUBuffer;
    dbeta: GPUBuffer;
    rows: number;
    d: number;
  },
): void {
  const params = LayerNormParams.pack({ rows: a.rows, d: a.d, eps: 0 });
  step.dispatch({
    pipeline: runtime.pipeline('layer_norm', 'backward_dx', { WG }),
    buffers: [a.dy, a.x, a.gamma, a.mean, a.rstd, a.dx],
    params,
    workgroups: grid1d(a.rows, WG),
    label: 'layer_norm.backward_dx',
  });
  step.dispatch({
    pipeline: runtime.pipeline('layer_norm', 'backward_affine', { WG }),
    buffers: [a.dy, a.x, a.mean, a.rstd, a.dgamma, a.dbeta],
    params,
    workgroups: grid1d(a.d, WG),
    label: 'layer_norm.backward_affine',
  });
}
