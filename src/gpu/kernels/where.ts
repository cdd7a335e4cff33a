/** Host side of shaders/where.wgsl: out = cond != 0 ? a : b with broadcasting. Twin: src/kernels/where.ts. */
import { type Shape, broadcastStrides, contiguousStrides, sizeOf } from '../../kernels/broadcast.ts';
import { whereShape } from '../../kernels/where.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';
import { mergeDims, packDims } from './layout.ts';

export const WhereParams = defineParams('WhereParams', {
  n: 'u32',
  rank: 'u32',
  shape: 'array<vec4<u32>, 2>',
  stridesCond: 'array<vec4<u32>, 2>',
  stridesA: 'array<vec4<u32>, 2>',
  stridesB: 'array<vec4<u32>, 2>',
});

const WG = 256;

export interface WhereGpuArgs {
  cond: GPUBuffer;
  condShape: Shape;
  a: GPUBuffer;
  aShape: Shape;
  b: GPUBuffer;
  bShape: Shape;
  /** Contiguous, of the broadcast shape. */
  out: GPUBuffer;
}

export function encodeWhere(runtime: GpuRuntime, step: StepEncoder, args: WhereGpuArgs): void {
  const shape = whereShape(args.condShape, args.aShape, args.bShape);
  const n = sizeOf(shape);
  if (n === 0) return;
  const merged = mergeDims(shape, [
    broadcastStrides(args.condShape, shape),
    broadcastStrides(args.aShape, shape),
    broadcastStrides(args.bShape, shape),
    contiguousStrides(shape),
  ]);
  step.dispatch({
    pipeline: runtime.pipeline('where', 'main', { WG }),
    buffers: [args.cond, args.a, args.b, args.out],
    params: WhereParams.pack({
      n,
      rank: merged.shape.length,
      shape: packDims(merged.shape, 'where'),
      stridesCond: packDims(merged.strides[0]!, 'where'),
      stridesA: packDims(merged.strides[1]!, 'where'),
      stridesB: packDims(merged.strides[2]!, 'where'),
    }),
    workgroups: grid1d(n, WG),
    label: 'where',
  });
}
