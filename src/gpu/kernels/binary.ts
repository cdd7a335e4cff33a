/** Host side of shaders/binary.wgsl: out = a (op) b with numpy broadcasting. */
import {
  type Shape,
  broadcastShapes,
  broadcastStrides,
  contiguousStrides,
  sizeOf,
} from '../../kernels/broadcast.ts';
import { BINARY_OPS, type BinaryOp } from '../../kernels/binary.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';
import { mergeDims, packDims } from './layout.ts';

export const BinaryParams = defineParams('BinaryParams', {
  n: 'u32',
  rank: 'u32',
  shape: 'array<vec4<u32>, 2>',
  stridesA: 'array<vec4<u32>, 2>',
  stridesB: 'array<vec4<u32>, 2>',
});

const WG = 256;

export interface BinaryGpuArgs {
  op: BinaryOp;
  a: GPUBuffer;
  aShape: Shape;
  b: GPUBuffer;
  bShape: Shape;
  /** Contiguous, of the broadcast shape (returned). */
  out: GPUBuffer;
}

/** Encodes the op and returns the output shape. */
export function encodeBinary(runtime: GpuRuntime, step: StepEncoder, args: BinaryGpuArgs): number[] {
  const shape = broadcastShapes(args.aShape, args.bShape);
  const n = sizeOf(shape);
  const merged = mergeDims(shape, [
    broadcastStrides(args.aShape, shape),
    broadcastStrides(args.bShape, shape),
    contiguousStrides(shape),
  ]);
  const pipeline = runtime.pipeline('binary', 'main', {
    WG,
    OP: BINARY_OPS.indexOf(args.op),
    RANK: merged.shape.length,
  });
  step.dispatch({
    pipeline,
    buffers: [args.a, args.b, args.out],
    params: BinaryParams.pack({
      n,
      rank: merged.shape.length,
      shape: packDims(merged.shape, args.op),
      stridesA: packDims(merged.strides[0]!, args.op),
      stridesB: packDims(merged.strides[1]!, args.op),
    }),
    workgroups: grid1d(n, WG),
    label: `binary.${args.op}`,
  });
  return shape;
}
