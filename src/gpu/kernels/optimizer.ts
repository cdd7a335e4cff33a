/** Host side of shaders/optimizer.wgsl: fused in-place SGD and Adam/AdamW over flat buffers. */
import { type AdamOptions, type SgdOptions, adamScalars } from '../../kernels/optimizer.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const SgdParams = defineParams('SgdParams', {
  n: 'u32',
  lr: 'f32',
  momentum: 'f32',
  oneMinusDampening: 'f32',
  weightDecay: 'f32',
  nesterov: 'u32',
  maximize: 'u32',
  firstStep: 'u32',
});

export const AdamParams = defineParams('AdamParams', {
  n: 'u32',
  beta2: 'f32',
  oneMinusBeta1: 'f32',
  oneMinusBeta2: 'f32',
  eps: 'f32',
  weightDecay: 'f32',
  stepSize: 'f32',
  biasCorrection2Sqrt: 'f32',
  decay: 'f32',
  decoupled: 'u32',
  amsgrad: 'u32',
  maximize: 'u32',
});

const WG = 256;

export function encodeSgd(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: {
    grad: GPUBuffer;
    param: GPUBuffer;
    momentumBuffer: GPUBuffer | null;
    n: number;
    options: SgdOptions;
  },
): void {
  const o = args.options;
  if (o.momentum !== 0 && !args.momentumBuffer) throw new Error('sgd: momentum needs a momentum buffer');
  const pipeline = runtime.pipeline('optimizer', 'sgd', { WG });
  let momentumBuffer = args.momentumBuffer;
  if (!momentumBuffer) {
    // Never touched without momentum; a scratch buffer, since a written binding may not alias param.
    momentumBuffer = runtime.buffers.acquire(4);
    step.releaseOnSubmit(momentumBuffer);
  }
  step.dispatch({
    pipeline,
    buffers: [args.grad, args.param, momentumBuffer],
    params: SgdParams.pack({
      n: args.n,
      lr: o.lr,
      momentum: o.momentum,
      oneMinusDampening: 1 - o.dampening,
      weightDecay: o.weightDecay,
      nesterov: o.nesterov ? 1 : 0,
      maximize: o.maximize ? 1 : 0,
      firstStep: o.firstStep ? 1 : 0,
    }),
    workgroups: grid1d(args.n, WG),
    label: 'sgd',
  });
}

export function encodeAdam(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: {
    grad: GPUBuffer;
    param: GPUBuffer;
    expAvg: GPUBuffer;
    expAvgSq: GPUBuffer;
    maxExpAvgSq: GPUBuffer | null;
    n: number;
    options: AdamOptions;
  },
): void {
  encodeAdamUpdate(runtime, step, { ...args, scalars: adamScalars(args.options) });
}

/** encodeAdam with the step's host scalars given (torch computes them in Python doubles from the step). */
export function encodeAdamUpdate(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: {
    grad: GPUBuffer;
    param: GPUBuffer;
    expAvg: GPUBuffer;
    expAvgSq: GPUBuffer;
    maxExpAvgSq: GPUBuffer | null;
    n: number;
    options: Omit<AdamOptions, 'step'>;
    scalars: { stepSize: number; biasCorrection2Sqrt: number };
  },
): void {
  const o = args.options;
  if (o.amsgrad && !args.maxExpAvgSq) throw new Error('adam: amsgrad needs a max_exp_avg_sq buffer');
  const { stepSize, biasCorrection2Sqrt } = args.scalars;
  const pipeline = runtime.pipeline('optimizer', 'adam', { WG });
  // Without amsgrad, binding 4 is never touched; a distinct scratch buffer avoids aliasing a written binding.
  let maxBuffer = args.maxExpAvgSq;
  if (!maxBuffer) {
    maxBuffer = runtime.buffers.acquire(4);
    step.releaseOnSubmit(maxBuffer);
  }
  step.dispatch({
    pipeline,
    buffers: [args.grad, args.param, args.expAvg, args.expAvgSq, maxBuffer],
    params: AdamParams.pack({
      n: args.n,
      beta2: o.beta2,
      oneMinusBeta1: 1 - o.beta1,
      oneMinusBeta2: 1 - o.beta2,
      eps: o.eps,
      weightDecay: o.weightDecay,
      stepSize,
      biasCorrection2Sqrt,
      decay: 1 - o.lr * o.weightDecay,
      decoupled: o.decoupled ? 1 : 0,
      amsgrad: o.amsgrad ? 1 : 0,
      maximize: o.maximize ? 1 : 0,
    }),
    workgroups: grid1d(args.n, WG),
    label: o.decoupled ? 'adamw' : 'adam',
  });
}
