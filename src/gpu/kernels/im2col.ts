/** Host side of shaders/im2col.wgsl: conv2d's unfold (two layouts) and fold (col2im). Twins: src/kernels/im2col.ts. */
import type { Conv2dShape } from '../../kernels/conv2d.ts';
import { im2colSizes } from '../../kernels/im2col.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const Im2colParams = defineParams('Im2colParams', {
  n: 'u32',
  cIn: 'u32',
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
  kP: 'u32',
  pP: 'u32',
});

const WG = 64;

function pack(s: Conv2dShape): ArrayBuffer {
  const { hOut, wOut, kP, pP } = im2colSizes(s);
  return Im2colParams.pack({ ...s, hOut, wOut, kP, pP });
}

/** cols (n, kP, pP) from x (n, cIn, h, w). */
export function encodeUnfoldCols(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { x: GPUBuffer; cols: GPUBuffer; shape: Conv2dShape },
): void {
  step.dispatch({
    pipeline: runtime.pipeline('im2col', 'unfold_cols', { WG }),
    buffers: [a.x, a.cols],
    params: pack(a.shape),
    workgroups: grid1d(a.shape.n * im2colSizes(a.shape).kP, WG),
    label: 'im2col.unfold_cols',
  });
}

/** rows (n, pP, kP) from x (n, cIn, h, w). */
export function encodeUnfoldRows(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { x: GPUBuffer; rows: GPUBuffer; shape: Conv2dShape },
): void {
  step.dispatch({
    pipeline: runtime.pipeline('im2col', 'unfold_rows', { WG }),
    buffers: [a.x, a.rows],
    params: pack(a.shape),
    workgroups: grid1d(a.shape.n * im2colSizes(a.shape).pP, WG),
    label: 'im2col.unfold_rows',
  });
}

/** dx (n, cIn, h, w) from dcols (n, K, P). */
export function encodeCol2im(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { dcols: GPUBuffer; dx: GPUBuffer; shape: Conv2dShape },
): void {
  const s = a.shape;
  step.dispatch({
    pipeline: runtime.pipeline('im2col', 'col2im', { WG }),
    buffers: [a.dcols, a.dx],
    params: pack(s),
    workgroups: grid1d(s.n * s.cIn * s.h * s.w, WG),
    label: 'im2col.col2im',
  });
}
