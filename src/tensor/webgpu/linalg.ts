/**
 * Matmul and 2-D convolution of the WebGPU backend (the weight-multiplying ops of the Backend interface's
 * "Linear algebra and convolutions" section; pooling and resize are in spatial.ts). Each function is the
 * Backend method of the same name, on a Recorder.
 */
import { conv2dOutSize } from '../../kernels/conv2d.ts';
import {
  encodeConv2d,
  encodeConv2dBackwardInput,
  encodeConv2dBackwardWeight,
} from '../../gpu/kernels/conv2d.ts';
import { encodeMatmul } from '../../gpu/kernels/matmul.ts';
import type { Conv2dGeometry, DeviceBuffer, MatmulGeometry } from '../backend.ts';
import { handleOf, wrap } from './memory.ts';
import type { Recorder } from './recorder.ts';

export function matmul(r: Recorder, a: DeviceBuffer, b: DeviceBuffer, g: MatmulGeometry): DeviceBuffer {
  const ha = handleOf(a);
  const hb = handleOf(b);
  const aLength = (g.aBatched ? g.batch : 1) * g.m * g.k;
  const bLength = (g.bBatched ? g.batch : 1) * g.k * g.n;
  if (ha.numel !== aLength) throw new RangeError('matmul: A size');
  if (hb.numel !== bLength) throw new RangeError('matmul: B size');
  const out = r.mem.alloc(g.batch * g.m * g.n, 'float32');
  encodeMatmul(r.runtime, r.mem.encoder(), {
    batch: g.batch,
    m: g.m,
    k: g.k,
    n: g.n,
    transA: g.transA,
    transB: g.transB,
    a: ha.buffer,
    b: hb.buffer,
    out: out.buffer,
    aLength,
    bLength,
  });
  return wrap(out);
}

export function conv2d(r: Recorder, x: DeviceBuffer, weight: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer {
  const { hOut, wOut } = conv2dOutSize(g);
  const y = r.mem.alloc(g.n * g.cOut * hOut * wOut, 'float32'); // (N, O, Ho, Wo)
  encodeConv2d(r.runtime, r.mem.encoder(), {
    x: r.f32(x),
    weight: r.f32(weight),
    bias: null,
    y: y.buffer,
    shape: g,
  });
  return wrap(y);
}

export function conv2dBackwardInput(
  r: Recorder,
  dy: DeviceBuffer,
  weight: DeviceBuffer,
  g: Conv2dGeometry,
): DeviceBuffer {
  const dx = r.mem.alloc(g.n * g.cIn * g.h * g.w, 'float32'); // (N, C, H, W)
  encodeConv2dBackwardInput(r.runtime, r.mem.encoder(), {
    dy: r.f32(dy),
    weight: r.f32(weight),
    dx: dx.buffer,
    shape: g,
  });
  return wrap(dx);
}

export function conv2dBackwardWeight(
  r: Recorder,
  x: DeviceBuffer,
  dy: DeviceBuffer,
  g: Conv2dGeometry,
): DeviceBuffer {
  const dw = r.mem.alloc(g.cOut * g.cIn * g.kH * g.kW, 'float32'); // (O, C, kH, kW)
  encodeConv2dBackwardWeight(r.runtime, r.mem.encoder(), {
    x: r.f32(x),
    dy: r.f32(dy),
    dweight: dw.buffer,
    shape: g,
  });
  return wrap(dw);
}
