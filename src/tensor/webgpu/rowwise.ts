/**
 * The fused row kernels of the WebGPU backend (the Backend interface's "Fused row kernels" section): softmax /
 * log_softmax and layer norm over the last dim of a (rows, cols) view, forward and backward. Each function is
 * the Backend method of the same name, on a Recorder.
 */
import { encodeLayerNorm, encodeLayerNormBackward } from '../../gpu/kernels/layer-norm.ts';
import { encodeSoftmax, encodeSoftmaxBackward } from '../../gpu/kernels/softmax.ts';
import type { DeviceBuffer, SoftmaxKind } from '../backend.ts';
import { wrap } from './memory.ts';
import type { Recorder } from './recorder.ts';

export function softmax(
  r: Recorder,
  kind: SoftmaxKind,
  x: DeviceBuffer,
  rows: number,
  cols: number,
): DeviceBuffer {
  const y = r.mem.alloc(rows * cols, 'float32');
  encodeSoftmax(r.runtime, r.mem.encoder(), { kind, x: r.f32(x), y: y.buffer, rows, cols });
  return wrap(y);
}

export function softmaxBackward(
  r: Recorder,
  kind: SoftmaxKind,
  y: DeviceBuffer,
  dy: DeviceBuffer,
  rows: number,
  cols: number,
): DeviceBuffer {
  const dx = r.mem.alloc(rows * cols, 'float32');
  const args = { kind, y: r.f32(y), dy: r.f32(dy), dx: dx.buffer, rows, cols };
  encodeSoftmaxBackward(r.runtime, r.mem.encoder(), args);
  return wrap(dx);
}

export function layerNorm(
  r: Recorder,
  x: DeviceBuffer,
  gamma: DeviceBuffer,
  beta: DeviceBuffer,
  rows: number,
  d: number,
  eps: number,
): { y: DeviceBuffer; mean: DeviceBuffer; rstd: DeviceBuffer } {
  const [y, mean, rstd] = [
    r.mem.alloc(rows * d, 'float32'),
    ...[0, 1].map(() => r.mem.alloc(rows, 'float32')),
  ];
  encodeLayerNorm(r.runtime, r.mem.encoder(), {
    x: r.f32(x),
    gamma: r.f32(gamma),
    beta: r.f32(beta),
    y: y!.buffer,
    mean: mean!.buffer,
    rstd: rstd!.buffer,
    rows,
    d,
    eps,
  });
  return { y: wrap(y!), mean: wrap(mean!), rstd: wrap(rstd!) };
}

export function layerNormBackward(
  r: Recorder,
  dy: DeviceBuffer,
  x: DeviceBuffer,
  gamma: DeviceBuffer,
  mean: DeviceBuffer,
  rstd: DeviceBuffer,
  rows: number,
  d: number,
): { dx: DeviceBuffer; dgamma: DeviceBuffer; dbeta: DeviceBuffer } {
  const dx = r.mem.alloc(rows * d, 'float32');
  const dgamma = r.mem.alloc(d, 'float32');
  const dbeta = r.mem.alloc(d, 'float32');
  encodeLayerNormBackward(r.runtime, r.mem.encoder(), {
    dy: r.f32(dy),
    x: r.f32(x),
    gamma: r.f32(gamma),
    mean: r.f32(mean),
    rstd: r.f32(rstd),
    dx: dx.buffer,
    dgamma: dgamma.buffer,
    dbeta: dbeta.buffer,
    rows,
    d,
  });
  return { dx: wrap(dx), dgamma: wrap(dgamma), dbeta: wrap(dbeta) };
}
