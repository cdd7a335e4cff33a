/**
 * Pooling and resizing over (N, C, H, W) on the WebGPU backend: max and average pooling with their backwards,
 * and the forward-only bilinear resize (the rest of the Backend interface's "Linear algebra and convolutions"
 * section; matmul and conv2d are in linalg.ts). Each function is the Backend method of the same name, on a
 * Recorder.
 */
import { pool2dOutSize } from '../../kernels/pool2d.ts';
import {
  encodeAvgPool2d,
  encodeAvgPool2dBackward,
  encodeMaxPool2d,
  encodeMaxPool2dBackward,
} from '../../gpu/kernels/pool2d.ts';
import { encodeResizeBilinear } from '../../gpu/kernels/resize.ts';
import type { DeviceBuffer, Pool2dGeometry, ResizeGeometry } from '../backend.ts';
import { wrap } from './memory.ts';
import type { Recorder } from './recorder.ts';

export function maxPool2d(
  r: Recorder,
  x: DeviceBuffer,
  g: Pool2dGeometry,
): { y: DeviceBuffer; indices: DeviceBuffer } {
  const { hOut, wOut } = pool2dOutSize(g);
  const outNumel = g.n * g.c * hOut * wOut; // (N, C, Ho, Wo)
  const y = r.mem.alloc(outNumel, 'float32');
  const indices = r.mem.alloc(outNumel, 'int64');
  encodeMaxPool2d(r.runtime, r.mem.encoder(), {
    x: r.f32(x),
    y: y.buffer,
    indices: indices.buffer,
    shape: g,
  });
  return { y: wrap(y), indices: wrap(indices) };
}

export function maxPool2dBackward(
  r: Recorder,
  dy: DeviceBuffer,
  indices: DeviceBuffer,
  g: Pool2dGeometry,
): DeviceBuffer {
  const dx = r.mem.alloc(g.n * g.c * g.h * g.w, 'float32');
  encodeMaxPool2dBackward(r.runtime, r.mem.encoder(), {
    dy: r.f32(dy),
    indices: r.i32(indices),
    dx: dx.buffer,
    shape: g,
  });
  return wrap(dx);
}

export function avgPool2d(r: Recorder, x: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer {
  const { hOut, wOut } = pool2dOutSize({ ...g, dilH: 1, dilW: 1 }); // avg_pool2d has no dilation
  const y = r.mem.alloc(g.n * g.c * hOut * wOut, 'float32');
  encodeAvgPool2d(r.runtime, r.mem.encoder(), { x: r.f32(x), y: y.buffer, shape: g });
  return wrap(y);
}

export function avgPool2dBackward(r: Recorder, dy: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer {
  const dx = r.mem.alloc(g.n * g.c * g.h * g.w, 'float32');
  encodeAvgPool2dBackward(r.runtime, r.mem.encoder(), { dy: r.f32(dy), dx: dx.buffer, shape: g });
  return wrap(dx);
}

export function resizeBilinear(r: Recorder, x: DeviceBuffer, g: ResizeGeometry): DeviceBuffer {
  const y = r.mem.alloc(g.n * g.c * g.hOut * g.wOut, 'float32');
  encodeResizeBilinear(r.runtime, r.mem.encoder(), { x: r.f32(x), y: y.buffer, shape: g });
  return wrap(y);
}
