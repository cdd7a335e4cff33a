/** Host side of shaders/resize.wgsl: bilinear resize (align_corners=False), forward and backward. */
import type { ResizeShape } from '../../kernels/resize.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const ResizeParams = defineParams('ResizeParams', {
  nc: 'u32',
  h: 'u32',
  w: 'u32',
  hOut: 'u32',
  wOut: 'u32',
  scaleH: 'f32',
  scaleW: 'f32',
});

const WG = 64;

function pack(s: ResizeShape): ArrayBuffer {
  return ResizeParams.pack({
    nc: s.n * s.c,
    h: s.h,
    w: s.w,
    hOut: s.hOut,
    wOut: s.wOut,
    scaleH: s.h / s.hOut,
    scaleW: s.w / s.wOut,
  });
}

export function encodeResizeBilinear(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { x: GPUBuffer; y: GPUBuffer; shape: ResizeShape },
): void {
  const s = a.shape;
  step.dispatch({
    pipeline: runtime.pipeline('resize', 'forward', { WG }),
    buffers: [a.x, a.y],
    params: pack(s),
    workgroups: grid1d(s.n * s.c * s.hOut * s.wOut, WG),
    label: 'resize_bilinear',
  });
}

export function encodeResizeBilinearBackward(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { dy: GPUBuffer; dx: GPUBuffer; shape: ResizeShape },
): void {
  const s = a.shape;
  step.dispatch({
    pipeline: runtime.pipeline('resize', 'backward', { WG }),
    buffers: [a.dy, a.dx],
    params: pack(s),
    workgroups: grid1d(s.n * s.c * s.h * s.w, WG),
    label: 'resize_bilinear.backward',
  });
}
