/** Host side of shaders/reduce.wgsl: sum / mean / max / min over a set of axes. */
import { type Shape, contiguousStrides, sizeOf } from '../../kernels/broadcast.ts';
import { REDUCE_OPS, type ReduceOp, normalizeAxes, reducedShape } from '../../kernels/reduce.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';
import { mergeDims, packDims } from './layout.ts';

export const ReduceParams = defineParams('ReduceParams', {
  outSize: 'u32',
  keptRank: 'u32',
  redRank: 'u32',
  innerSize: 'u32',
  innerStride: 'u32',
  count: 'u32',
  keptShape: 'array<vec4<u32>, 2>',
  keptStrides: 'array<vec4<u32>, 2>',
  redShape: 'array<vec4<u32>, 2>',
  redStrides: 'array<vec4<u32>, 2>',
});

const WG = 64;

export interface ReduceGpuArgs {
  op: ReduceOp;
  x: GPUBuffer;
  shape: Shape;
  /** Empty: every axis. */
  axes: readonly number[];
  keepdim?: boolean;
  out: GPUBuffer;
}

/** Encodes the reduction and returns the output shape. */
export function encodeReduce(runtime: GpuRuntime, step: StepEncoder, args: ReduceGpuArgs): number[] {
  const axes = normalizeAxes(args.axes, args.shape.length);
  const strides = contiguousStrides(args.shape);
  const keptDims = args.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const kept = mergeDims(
    keptDims.map((d) => args.shape[d]!),
    [keptDims.map((d) => strides[d]!)],
  );
  const red = mergeDims(
    axes.map((d) => args.shape[d]!),
    [axes.map((d) => strides[d]!)],
  );
  const redShape = red.shape;
  const redStrides = red.strides[0]!;
  const innerSize = redShape.pop() ?? 1;
  const innerStride = redStrides.pop() ?? 0;
  const outShape = reducedShape(args.shape, axes, args.keepdim ?? false);
  const outSize = sizeOf(outShape);
  const count = sizeOf(axes.map((d) => args.shape[d]!));
  const pipeline = runtime.pipeline('reduce', 'main', { WG, OP: REDUCE_OPS.indexOf(args.op) });
  step.dispatch({
    pipeline,
    buffers: [args.x, args.out],
    params: ReduceParams.pack({
      outSize,
      keptRank: kept.shape.length,
      redRank: redShape.length,
      innerSize,
      innerStride,
      count,
      keptShape: packDims(kept.shape, args.op),
      keptStrides: packDims(kept.strides[0]!, args.op),
      redShape: packDims(redShape, args.op),
      redStrides: packDims(redStrides, args.op),
    }),
    workgroups: grid1d(outSize, WG),
    label: `reduce.${args.op}`,
  });
  return outShape;
}
