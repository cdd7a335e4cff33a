/**
 * Dropout from Philox4x32-10: element i uses word (i % 4) of philox(counter = [i / 4, 0, offset, 0], key = seed).
 * It is kept when its uniform draw u >= p and then scaled by 1 / (1 - p), as torch (the bits differ from torch's).
 * `offset` separates calls that share a seed (e.g. the step number).
 */
import { philox4x32, uniformFromBits } from './philox.ts';

export interface DropoutParams {
  p: number;
  seed: readonly [number, number];
  offset: number;
}

/** The multiplier per element: 0 where dropped, 1 / (1 - p) where kept. The backward is dy * mask. */
export function dropoutMask(n: number, params: DropoutParams): Float32Array {
  const { p } = params;
  if (!(p >= 0 && p <= 1))
    throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  const mask = new Float32Array(n);
  if (p === 1) return mask;
  const scale = Math.fround(1 / (1 - p));
  const words = new Uint32Array(4);
  for (let block = 0; block * 4 < n; block++) {
    philox4x32([block, 0, params.offset, 0], params.seed, words);
    for (let lane = 0; lane < 4 && block * 4 + lane < n; lane++) {
      mask[block * 4 + lane] = uniformFromBits(words[lane]!) >= p ? scale : 0;
    }
  }
  return mask;
}

export function dropout(x: Float32Array, params: DropoutParams): { y: Float32Array; mask: Float32Array } {
  const mask = dropoutMask(x.length, params);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i]! * mask[i]!;
  return { y, mask };
}
