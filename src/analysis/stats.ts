/**
 * Per-tensor statistics for `pthlab inspect --stats`. NaN and infinities are counted, and the moments and
 * extremes are taken over the finite elements only (torch: `t[t.isfinite()]`), so one bad value does not hide
 * the rest. `std` is torch's default (unbiased, Bessel's correction): NaN for fewer than two finite elements.
 */
import type { StoredTensor } from '../checkpoint/index.ts';
import { elementChunks } from './elements.ts';

export interface TensorStats {
  numel: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** L2 norm of the finite elements. */
  norm: number;
  /** Exact zeros over all elements. */
  zeroFraction: number;
  nanCount: number;
  infCount: number;
}

/**
 * Two passes over the elements a chunk at a time (`elementChunks`): the moments first, then the sum of squares
 * about the mean, as torch computes var. Memory stays a few MiB whatever the tensor's size, so a lazy
 * expanded view of billions of elements is streamed, not refused as too large to copy.
 */
export function tensorStats(t: StoredTensor, what = 'tensor'): TensorStats {
  let finite = 0;
  let sum = 0;
  let sumSquares = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  let nanCount = 0;
  let infCount = 0;
  for (const values of elementChunks(t, what)) {
    for (const v of values) {
      if (Number.isNaN(v)) nanCount++;
      else if (!Number.isFinite(v)) infCount++;
      else {
        finite++;
        sum += v;
        sumSquares += v * v;
        if (v < min) min = v;
        if (v > max) max = v;
        if (v === 0) zeros++;
      }
    }
  }
  const mean = finite === 0 ? NaN : sum / finite;
  let centered = 0;
  // All finite elements equal (an expanded view of one value): the deviation is exactly zero, no second pass.
  if (finite >= 2 && min !== max) {
    for (const values of elementChunks(t, what))
      for (const v of values) if (Number.isFinite(v)) centered += (v - mean) * (v - mean);
  }
  const numel = t.numel;
  return {
    numel,
    mean,
    std: finite < 2 ? NaN : Math.sqrt(centered / (finite - 1)),
    min: finite === 0 ? NaN : min,
    max: finite === 0 ? NaN : max,
    norm: Math.sqrt(sumSquares),
    zeroFraction: numel === 0 ? NaN : zeros / numel,
    nanCount,
    infCount,
  };
}
