/** Index-space helpers for the strided kernels (binary, reduce): merging dims and packing them for params. */

/** Max rank a params struct holds: two vec4<u32>. */
export const MAX_RANK = 8;

/**
 * Merges adjacent dims d, d+1 when every stride list walks them as one dim (stride[d] = stride[d+1] * shape[d+1]),
 * and drops dims of size 1. Same-shape operands collapse to rank 1.
 */
export function mergeDims(
  shape: readonly number[],
  strideLists: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strideLists.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strideLists.every((s, i) => outStrides[i]![last] === s[d]! * size);
    if (mergeable) {
      outShape[last] = outShape[last]! * size;
      strideLists.forEach((s, i) => (outStrides[i]![last] = s[d]!));
    } else {
      outShape.push(size);
      strideLists.forEach((s, i) => outStrides[i]!.push(s[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** Pads a dim list to MAX_RANK entries for an array<vec4<u32>, 2> field. */
export function packDims(dims: readonly number[], name: string): number[] {
  if (dims.length > MAX_RANK) throw new RangeError(`${name}: rank ${dims.length} exceeds ${MAX_RANK}`);
  return [...dims, ...new Array<number>(MAX_RANK - dims.length).fill(0)];
}
