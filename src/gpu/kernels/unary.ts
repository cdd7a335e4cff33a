/** Host side of shaders/unary.wgsl: y = op(x) and dx = dy * op'(saved). */
import { DEFAULT_LEAKY_SLOPE, UNARY_GRAD_OPS, UNARY_OPS } from '../../kernels/unary.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

/** The op codes of shaders/unary.wgsl: src/kernels/unary.ts's lists, then erf (twin: erf in activation.ts). */
export const GPU_UNARY_OPS = [...UNARY_OPS, 'erf'] as const;
export const GPU_UNARY_GRAD_OPS = [...UNARY_GRAD_OPS, 'erf'] as const;
export type GpuUnaryOp = (typeof GPU_UNARY_OPS)[number];
export type GpuUnaryGradOp = (typeof GPU_UNARY_GRAD_OPS)[number];

export const UnaryParams = defineParams('UnaryParams', { n: 'u32', alpha: 'f32' });

const WG = 256;

export function encodeUnary(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: { op: GpuUnaryOp; x: GPUBuffer; y: GPUBuffer; n: number; alpha?: number },
): void {
  const pipeline = runtime.pipeline('unary', 'forward', { WG, OP: GPU_UNARY_OPS.indexOf(args.op) });
  step.dispatch({
    pipeline,
    buffers: [args.x, args.y],
    params: UnaryParams.pack({ n: args.n, alpha: args.alpha ?? DEFAULT_LEAKY_SLOPE }),
    workgroups: grid1d(args.n, WG),
    label: `unary.${args.op}`,
  });
}

export function encodeUnaryBackward(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: { op: GpuUnaryGradOp; saved: GPUBuffer; dy: GPUBuffer; dx: GPUBuffer; n: number; alpha?: number },
): void {
  const pipeline = runtime.pipeline('unary', 'backward', { WG, OP: GPU_UNARY_GRAD_OPS.indexOf(args.op) });
  step.dispatch({
    pipeline,
    buffers: [args.saved, args.dy, args.dx],
    params: UnaryParams.pack({ n: args.n, alpha: args.alpha ?? DEFAULT_LEAKY_SLOPE }),
    workgroups: grid1d(args.n, WG),
    label: `unary_backward.${args.op}`,
  });
}
