/** Shape arithmetic shared by the op table and Tensor: broadcasting, dims, sizes. */
import { broadcastShapes, contiguousStrides, sizeOf } from '../kernels/broadcast.ts';
import type { Shape } from './backend.ts';

export { broadcastShapes, contiguousStrides, sizeOf };

/** A dim in [-rank, rank) made non-negative, with torch's error wording. */
export function normalizeDim(dim: number, rank: number): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new RangeError(
      `Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + r : dim;
}

/** Sorted, de-duplicated non-negative dims; undefined means every dim. */
export function normalizeDims(dims: number | readonly number[] | undefined, rank: number): number[] {
  if (dims === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  return [...new Set(list.map((d) => normalizeDim(d, rank)))].sort((a, b) => a - b);
}

/** The dims of `outShape` that a tensor of `shape` was broadcast along, to sum a gradient back over. */
export function broadcastAxes(shape: Shape, outShape: Shape): number[] {
  const lead = outShape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && outShape[i] !== 1)) axes.push(i);
  }
  return axes;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `torch.Size([2, 3])`, as torch prints a shape in its messages. */
export function formatSize(shape: Shape): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** reshape's target with one -1 inferred, checked against numel. */
export function inferShape(shape: readonly number[], numel: number): number[] {
  const unknown = shape.indexOf(-1);
  const known = shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const out = [...shape];
  if (unknown >= 0) out[unknown] = known === 0 ? 0 : numel / known;
  if (out.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(out) !== numel) {
    throw new RangeError(`shape '[${shape.join(', ')}]' is invalid for input of size ${numel}`);
  }
  return out;
}
