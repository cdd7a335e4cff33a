/** numpy broadcasting of shapes, and the element strides that read an input at a broadcast index. */

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** The broadcast shape of a and b (numpy rules); throws a RangeError naming both shapes. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`shapes [${a.join(', ')}] and [${b.join(', ')}] cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides (in elements) to read `shape`, contiguous, at an index of `outShape`: 0 along broadcast dims. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const own = contiguousStrides(shape);
  const strides = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const oi = rank - shape.length + i;
    strides[oi] = shape[i] === 1 ? 0 : own[i]!;
  }
  return strides;
}
