/** Host side of shaders/softmax.wgsl: softmax / log_softmax over the last dim, and their backward. */
import type { SoftmaxKind } from '../../kernels/softmax.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const SoftmaxParams = defineParams('SoftmaxParams', { rows: 'u32', cols: 'u32' });

const WG = 64;

export type { SoftmaxKind };

export function encodeSoftmax(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: { kind: SoftmaxKind; x: GPUBuffer; y: GPUBuffer; rows: number; cols: number },
): void {
  const pipeline = runtime.pipeline('softmax', args.kind, { WG });
  step.dispatch({
    pipeline,
    buffers: [args.x, args.y],
    params: SoftmaxParams.pack({ rows: args.rows, cols: args.cols }),
    workgroups: grid1d(args.rows, WG),
    label: args.kind,
  });
}

/** dx from the forward output y and dy. */
export function encodeSoftmaxBackward(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: { kind: SoftmaxKind; y: GPUBuffer; dy: GPUBuffer; dx: GPUBuffer; rows: number; cols: number },
): void {
  const pipeline = runtime.pipeline('softmax', `${args.kind}_backward`, { WG });
  step.dispatch({
    pipeline,
    buffers: [args.y, args.dy, args.dx],
    params: SoftmaxParams.pack({ rows: args.rows, cols: args.cols }),
    workgroups: grid1d(args.rows, WG),
    label: `${args.kind}_backward`,
  });
}
