/** Host side of shaders/unary.wgsl: y = op(x) and dx = dy * op'(saved). */
import {
  DEFAULT_LEAKY_SLOPE,
  UNARY_GRAD_OPS,
  UNARY_OPS,
  type UnaryGradOp,
  type UnaryOp,
} from '../../kernels/unary.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const UnaryParams = defineParams('UnaryParams', { n: 'u32', alpha: 'f32' });

const WG = 256;

export async function encodeUnary(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: { op: UnaryOp; x: GPUBuffer; y: GPUBuffer; n: number; alpha?: number },
): Promise<void> {
  const pipeline = await runtime.pipeline('unary', 'forward', { WG, OP: UNARY_OPS.indexOf(args.op) });
  step.dispatch({
    pipeline,
    buffers: [args.x, args.y],
    params: UnaryParams.pack({ n: args.n, alpha: args.alpha ?? DEFAULT_LEAKY_SLOPE }),
    workgroups: grid1d(args.n, WG),
    label: `unary.${args.op}`,
  });
}

export async function encodeUnaryBackward(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: { op: UnaryGradOp; saved: GPUBuffer; dy: GPUBuffer; dx: GPUBuffer; n: number; alpha?: number },
): Promise<void> {
  const pipeline = await runtime.pipeline('unary', 'backward', { WG, OP: UNARY_GRAD_OPS.indexOf(args.op) });
  step.dispatch({
    pipeline,
    buffers: [args.saved, args.dy, args.dx],
    params: UnaryParams.pack({ n: args.n, alpha: args.alpha ?? DEFAULT_LEAKY_SLOPE }),
    workgroups: grid1d(args.n, WG),
    label: `unary_backward.${args.op}`,
  });
}
