/** llm.c-style comparison: |got - ref| <= atol + rtol * |ref| everywhere, printing the first mismatches. */
import { expect } from 'vitest';

export function expectClose(
  got: ArrayLike<number>,
  ref: ArrayLike<number>,
  { atol = 1e-5, rtol = 1e-4, label = 'values' }: { atol?: number; rtol?: number; label?: string } = {},
): void {
  expect(got.length, `${label}: length`).toBe(ref.length);
  const mismatches: string[] = [];
  let count = 0;
  for (let i = 0; i < ref.length; i++) {
    const g = got[i]!;
    const r = ref[i]!;
    const ok = Number.isNaN(r) ? Number.isNaN(g) : Math.abs(g - r) <= atol + rtol * Math.abs(r) || g === r;
    if (!ok) {
      count++;
      if (mismatches.length < 8) mismatches.push(`  [${i}] got ${g}, ref ${r}, diff ${Math.abs(g - r)}`);
    }
  }
  if (count > 0) {
    throw new Error(
      `${label}: ${count} of ${ref.length} mismatches (atol ${atol}, rtol ${rtol})\n${mismatches.join('\n')}`,
    );
  }
}

/** Seeded uniform data in [lo, hi): mulberry32, so failures reproduce. */
export function randomFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

export function randomInts(n: number, seed: number, max: number): Int32Array {
  return Int32Array.from(randomFloats(n, seed, 0, 1), (u) => Math.min(max - 1, Math.floor(u * max)));
}
