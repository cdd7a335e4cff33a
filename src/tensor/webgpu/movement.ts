/**
 * Reductions and data movement of the WebGPU backend (the Backend interface's section of that name): reduce
 * over axes, and the kernels that rearrange values without arithmetic: expand and permute (both one strided
 * copy), pad (which crops too) and where (a broadcasting select). Each function is the Backend method of the
 * same name, on a Recorder.
 */
import { sizeOf } from '../../kernels/broadcast.ts';
import { paddedShape } from '../../kernels/pad.ts';
import { expandStrides, permuteStrides } from '../../kernels/strided-copy.ts';
import { whereShape } from '../../kernels/where.ts';
import { encodePad } from '../../gpu/kernels/pad.ts';
import { encodeReduce } from '../../gpu/kernels/reduce.ts';
import { encodeStridedCopy } from '../../gpu/kernels/strided-copy.ts';
import { encodeWhere } from '../../gpu/kernels/where.ts';
import type { DeviceBuffer, ReduceOp, Shape } from '../backend.ts';
import { handleOf, wrap } from './memory.ts';
import type { Recorder } from './recorder.ts';

export function reduce(
  r: Recorder,
  op: ReduceOp,
  x: DeviceBuffer,
  shape: Shape,
  axes: readonly number[],
): DeviceBuffer {
  const out = r.mem.alloc(sizeOf(shape.map((d, i) => (axes.includes(i) ? 1 : d))), 'float32');
  encodeReduce(r.runtime, r.mem.encoder(), {
    op,
    x: r.f32(x),
    shape,
    axes,
    keepdim: true,
    out: out.buffer,
  });
  return wrap(out);
}

export function expand(r: Recorder, x: DeviceBuffer, shape: Shape, outShape: Shape): DeviceBuffer {
  return stridedCopy(r, x, outShape, expandStrides(shape, outShape));
}

export function permute(r: Recorder, x: DeviceBuffer, shape: Shape, perm: readonly number[]): DeviceBuffer {
  const { outShape, strides } = permuteStrides(shape, perm);
  return stridedCopy(r, x, outShape, strides);
}

export function pad(
  r: Recorder,
  x: DeviceBuffer,
  shape: Shape,
  before: readonly number[],
  after: readonly number[],
): DeviceBuffer {
  const src = handleOf(x);
  const out = r.mem.alloc(sizeOf(paddedShape(shape, before, after)), src.dtype);
  encodePad(r.runtime, r.mem.encoder(), { src: src.buffer, out: out.buffer, shape, before, after });
  return wrap(out);
}

export function where(
  r: Recorder,
  cond: DeviceBuffer,
  condShape: Shape,
  a: DeviceBuffer,
  aShape: Shape,
  b: DeviceBuffer,
  bShape: Shape,
): DeviceBuffer {
  const out = r.mem.alloc(sizeOf(whereShape(condShape, aShape, bShape)), 'float32');
  encodeWhere(r.runtime, r.mem.encoder(), {
    cond: r.f32(cond),
    condShape,
    a: r.f32(a),
    aShape,
    b: r.f32(b),
    bShape,
    out: out.buffer,
  });
  return wrap(out);
}

function stridedCopy(
  r: Recorder,
  x: DeviceBuffer,
  outShape: Shape,
  strides: readonly number[],
): DeviceBuffer {
  const src = handleOf(x);
  const out = r.mem.alloc(sizeOf(outShape), src.dtype);
  encodeStridedCopy(r.runtime, r.mem.encoder(), {
    src: src.buffer,
    out: out.buffer,
    outShape,
    strides,
  });
  return wrap(out);
}
