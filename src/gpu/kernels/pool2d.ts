/** Host side of shaders/pool2d.wgsl: max_pool2d (with indices) and avg_pool2d, forward and backward. */
import { type Pool2dShape, pool2dOutSize } from '../../kernels/pool2d.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const Pool2dParams = defineParams('Pool2dParams', {
  n: 'u32',
  c: 'u32',
  h: 'u32',
  w: 'u32',
  kH: 'u32',
  kW: 'u32',
  hOut: 'u32',
  wOut: 'u32',
  strideH: 'u32',
  strideW: 'u32',
  padH: 'u32',
  padW: 'u32',
  dilH: 'u32',
  dilW: 'u32',
});

const WG = 64;

function shapeFor(kind: 'max' | 'avg', s: Pool2dShape): Pool2dShape {
  return kind === 'avg' ? { ...s, dilH: 1, dilW: 1 } : s;
}

function pack(s: Pool2dShape): ArrayBuffer {
  return Pool2dParams.pack({ ...s, ...pool2dOutSize(s) });
}

export function encodeMaxPool2d(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { x: GPUBuffer; y: GPUBuffer; indices: GPUBuffer; shape: Pool2dShape },
): void {
  const { hOut, wOut } = pool2dOutSize(a.shape);
  step.dispatch({
    pipeline: runtime.pipeline('pool2d', 'max_forward', { WG }),
    buffers: [a.x, a.y, a.indices],
    params: pack(a.shape),
    workgroups: grid1d(a.shape.n * a.shape.c * hOut * wOut, WG),
    label: 'max_pool2d',
  });
}

export function encodeMaxPool2dBackward(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { dy: GPUBuffer; indices: GPUBuffer; dx: GPUBuffer; shape: Pool2dShape },
): void {
  const s = a.shape;
  step.dispatch({
    pipeline: runtime.pipeline('pool2d', 'max_backward', { WG }),
    buffers: [a.dy, a.indices, a.dx],
    params: pack(s),
    workgroups: grid1d(s.n * s.c * s.h, WG), // one invocation per input row
    label: 'max_pool2d.backward',
  });
}

export function encodeAvgPool2d(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { x: GPUBuffer; y: GPUBuffer; shape: Pool2dShape },
): void {
  const s = shapeFor('avg', a.shape);
  const { hOut, wOut } = pool2dOutSize(s);
  step.dispatch({
    pipeline: runtime.pipeline('pool2d', 'avg_forward', { WG }),
    buffers: [a.x, a.y],
    params: pack(s),
    workgroups: grid1d(s.n * s.c * hOut * wOut, WG),
    label: 'avg_pool2d',
  });
}

export function encodeAvgPool2dBackward(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { dy: GPUBuffer; dx: GPUBuffer; shape: Pool2dShape },
): void {
  const s = shapeFor('avg', a.shape);
  step.dispatch({
    pipeline: runtime.pipeline('pool2d', 'avg_backward', { WG }),
    buffers: [a.dy, a.dx],
    params: pack(s),
    workgroups: grid1d(s.n * s.c * s.h * s.w, WG),
    label: 'avg_pool2d.backward',
  });
}
