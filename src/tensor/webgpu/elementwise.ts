/**
 * Elementwise kernels of the WebGPU backend (the Backend interface's "Elementwise" section): unary ops, their
 * gradients, and broadcasting binary ops. Each function is the Backend method of the same name, on a Recorder.
 */
import { broadcastShapes, sizeOf } from '../../kernels/broadcast.ts';
import { encodeBinary } from '../../gpu/kernels/binary.ts';
import { encodeUnary, encodeUnaryBackward } from '../../gpu/kernels/unary.ts';
import type { BinaryOp, DeviceBuffer, Shape, UnaryGradOp, UnaryOp } from '../backend.ts';
import { wrap } from './memory.ts';
import type { Recorder } from './recorder.ts';

export function unary(r: Recorder, op: UnaryOp, x: DeviceBuffer, numel: number): DeviceBuffer {
  const y = r.mem.alloc(numel, 'float32');
  encodeUnary(r.runtime, r.mem.encoder(), { op, x: r.f32(x), y: y.buffer, n: numel });
  return wrap(y);
}

export function unaryGrad(
  r: Recorder,
  op: UnaryGradOp,
  saved: DeviceBuffer,
  dy: DeviceBuffer,
  numel: number,
): DeviceBuffer {
  const dx = r.mem.alloc(numel, 'float32');
  encodeUnaryBackward(r.runtime, r.mem.encoder(), {
    op,
    saved: r.f32(saved),
    dy: r.f32(dy),
    dx: dx.buffer,
    n: numel,
  });
  return wrap(dx);
}

export function binary(
  r: Recorder,
  op: BinaryOp,
  a: DeviceBuffer,
  aShape: Shape,
  b: DeviceBuffer,
  bShape: Shape,
): DeviceBuffer {
  const out = r.mem.alloc(sizeOf(broadcastShapes(aShape, bShape)), 'float32');
  encodeBinary(r.runtime, r.mem.encoder(), {
    op,
    a: r.f32(a),
    aShape,
    b: r.f32(b),
    bShape,
    out: out.buffer,
  });
  return wrap(out);
}
