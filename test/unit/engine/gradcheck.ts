/** Finite-difference gradient checks for the CPU engine (float32, so tolerances are loose). */
import { expect } from 'vitest';
import type { Tensor } from '../../../src/tensor/index.ts';
import { fromHost, noGrad } from '../../../src/tensor/index.ts';

export interface Input {
  data: number[];
  shape: number[];
}

/** Compares autograd's gradient of fn (a scalar) with central differences, input by input. */
export function gradCheck(fn: (xs: Tensor[]) => Tensor, inputs: Input[], h = 1e-2, tol = 2e-2): void {
  const leaves = inputs.map((x) => fromHost(Float32Array.from(x.data), x.shape, { requiresGrad: true }));
  fn(leaves).backward();
  inputs.forEach((input, k) => {
    const analytic = leaves[k]!.grad?.dataSync() ?? new Float32Array(input.data.length);
    for (let i = 0; i < input.data.length; i++) {
      const at = (delta: number): number =>
        noGrad(() => {
          const xs = inputs.map((x, j) => {
            const d = Float32Array.from(x.data);
            if (j === k) d[i]! += delta;
            return fromHost(d, x.shape);
          });
          return fn(xs).item();
        });
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(
        Math.abs(analytic[i]! - numeric),
        `input ${k} element ${i}: ${analytic[i]} vs ${numeric}`,
      ).toBeLessThan(tol * Math.max(1, Math.abs(numeric)));
    }
  });
}

/** Deterministic pseudo-random values in [-1, 1) (no generator needed). */
export function values(n: number, seed = 1): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push(((s >>> 8) / 16777216) * 2 - 1);
  }
  return out;
}
