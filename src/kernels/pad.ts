/**
 * Constant (zero) padding along every dim, where a negative amount crops: torch's F.pad with negative pads.
 * One kernel serves pad and its inverse, narrow (slice), so each is the other's backward.
 * The twin of shaders/pad.wgsl (host: src/gpu/kernels/pad.ts); the CPU backend's kernel.
 */
import { type Shape, contiguousStrides, sizeOf } from './broadcast.ts';

/** The output shape: shape[d] + before[d] + after[d] (each at least 0). */
export function paddedShape(shape: Shape, before: readonly number[], after: readonly number[]): number[] {
  if (before.length !== shape.length || after.length !== shape.length)
    throw new RangeError(`pad: ${before.length}/${after.length} amounts for rank ${shape.length}`);
  return shape.map((d, i) => {
    const size = d + before[i]! + after[i]!;
    if (size < 0) throw new RangeError(`pad: dim ${i} of size ${d} cropped below zero`);
    return size;
  });
}

/**
 * out[c] = src[c - before] where c - before lies inside src's shape, else 0 (out of shape
 * `paddedShape(shape, before, after)`, contiguous). 32-bit values of either dtype.
 */
export function pad<T extends Float32Array | Int32Array>(
  src: T,
  shape: Shape,
  before: readonly number[],
  after: readonly number[],
): T {
  const outShape = paddedShape(shape, before, after);
  const total = sizeOf(outShape);
  const out = (src instanceof Float32Array ? new Float32Array(total) : new Int32Array(total)) as T;
  const strides = contiguousStrides(shape);
  const rank = shape.length;
  for (let i = 0; i < total; i++) {
    let rest = i;
    let offset = 0;
    let inside = true;
    for (let d = rank - 1; d >= 0; d--) {
      const size = outShape[d]!;
      const s = (rest % size) - before[d]!;
      rest = Math.floor(rest / size);
      if (s < 0 || s >= shape[d]!) {
        inside = false;
        break;
      }
      offset += s * strides[d]!;
    }
    if (inside) out[i] = src[offset]!;
  }
  return out;
}
