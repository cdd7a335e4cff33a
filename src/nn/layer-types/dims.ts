/** Dims counted from either end, as torch takes them. */
import { torchRefusal as torch } from '../spec-keywords.ts';

/** A dim in [-rank, rank), with torch's IndexError wording. */
export function normalizeDim(dim: number, rank: number): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r)
    throw torch(`Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`);
  return dim < 0 ? dim + r : dim;
}
