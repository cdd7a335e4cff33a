/** Host side of shaders/conv2d.wgsl: NCHW conv2d forward, grad-input, grad-weight (grad-bias: encodeReduce). */
import { type Conv2dShape, conv2dOutSize } from '../../kernels/conv2d.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const Conv2dParams = defineParams('Conv2dParams', {
  n: 'u32',
  cIn: 'u32',
  h: 'u32',
  w: 'u32',
  cOut: 'u32',
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

function pack(s: Conv2dShape): ArrayBuffer {
  return Conv2dParams.pack({ ...s, ...conv2dOutSize(s) });
}

export function encodeConv2d(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { x: GPUBuffer; weight: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer; shape: Conv2dShape },
): void {
  const { hOut, wOut } = conv2dOutSize(a.shape);
  step.dispatch({
    pipeline: runtime.pipeline('conv2d', 'forward', { WG, HAS_BIAS: a.bias ? 1 : 0 }),
    // Without a bias the binding still exists (HAS_BIAS is an override): bind the weight there, never read.
    buffers: [a.x, a.weight, a.bias ?? a.weight, a.y],
    params: pack(a.shape),
    workgroups: grid1d(a.shape.n * a.shape.cOut * hOut * wOut, WG),
    label: 'conv2d',
  });
}

export function encodeConv2dBackwardInput(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { dy: GPUBuffer; weight: GPUBuffer; dx: GPUBuffer; shape: Conv2dShape },
): void {
  const s = a.shape;
  step.dispatch({
    pipeline: runtime.pipeline('conv2d', 'backward_input', { WG }),
    buffers: [a.dy, a.weight, a.dx],
    params: pack(s),
    workgroups: grid1d(s.n * s.cIn * s.h * s.w, WG),
    label: 'conv2d.backward_input',
  });
}

export function encodeConv2dBackwardWeight(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { x: GPUBuffer; dy: GPUBuffer; dweight: GPUBuffer; shape: Conv2dShape },
): void {
  const s = a.shape;
  step.dispatch({
    pipeline: runtime.pipeline('conv2d', 'backward_weight', { WG }),
    buffers: [a.x, a.dy, a.dweight],
    params: pack(s),
    workgroups: grid1d(s.cOut * s.cIn * s.kH * s.kW, WG),
    label: 'conv2d.backward_weight',
  });
}
