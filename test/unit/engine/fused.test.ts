/**
 * The fused softmax primitive (ops.softmax: src/kernels/softmax.ts on the CPU backend, the same twin the WGSL
 * kernel is tested against in test/gpu/) equals the composite of primitives it replaces, in values and in
 * gradients, for softmax and log_softmax over the last dim: attention-like rows with masked (-inf) entries,
 * large logits, one column, 3-D input. torch itself checks both through F in test/torch/engine/ops.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  logSoftmax,
  logSoftmaxComposite,
  softmax,
  softmaxComposite,
} from '../../../src/tensor/functional/activation.ts';
import { type Tensor, fromHost } from '../../../src/tensor/index.ts';
import { values } from './gradcheck.ts';

type Fn = (x: Tensor, dim: number) => Tensor;

/** y and dL/dx for L = sum(y * w), w fixed, so every output's gradient differs. */
function run(fn: Fn, data: Float32Array, shape: number[], dim: number) {
  const x = fromHost(Float32Array.from(data), shape, { requiresGrad: true });
  const w = fromHost(Float32Array.from(values(data.length, 7)), shape);
  const y = fn(x, dim);
  y.mul(w).sum().backward();
  return { y: y.dataSync() as Float32Array, dx: x.grad!.dataSync() as Float32Array };
}

function expectClose(got: Float32Array, want: Float32Array, label: string): void {
  expect(got.length, label).toBe(want.length);
  want.forEach((w, i) => {
    const g = got[i]!;
    if (!Number.isFinite(w)) expect(g, `${label}[${i}]`).toBe(w);
    else
      expect(Math.abs(g - w), `${label}[${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(w));
  });
}

const cases: { name: string; shape: number[]; data: (n: number) => Float32Array }[] = [
  { name: 'classifier logits (6, 4)', shape: [6, 4], data: (n) => Float32Array.from(values(n, 1)) },
  { name: '3-D rows (2, 3, 7)', shape: [2, 3, 7], data: (n) => Float32Array.from(values(n, 2)) },
  { name: 'one column (5, 1)', shape: [5, 1], data: (n) => Float32Array.from(values(n, 3)) },
  {
    name: 'large logits (4, 9)',
    shape: [4, 9],
    data: (n) => Float32Array.from(values(n, 4), (v) => v * 80),
  },
  {
    // A causal mask: row r sees columns 0..r, the rest are -inf (as masked fill writes them).
    name: 'causally masked attention rows (8, 8)',
    shape: [8, 8],
    data: (n) => Float32Array.from(values(n, 5), (v, i) => (i % 8 > Math.floor(i / 8) ? -Infinity : v * 3)),
  },
];

describe('fused softmax equals its composite (CPU backend)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const data = c.data(c.shape.reduce((a, d) => a * d, 1));
      const pairs: [string, Fn, Fn][] = [['softmax', softmax, softmaxComposite]];
      // log_softmax of a masked row is -inf there; its gradient too is compared, finite rows only.
      if (!c.name.includes('masked')) pairs.push(['log_softmax', logSoftmax, logSoftmaxComposite]);
      for (const [name, fused, composite] of pairs)
        for (const dim of [-1, c.shape.length - 1]) {
          const a = run(fused, data, c.shape, dim);
          const b = run(composite, data, c.shape, dim);
          expectClose(a.y, b.y, `${name} y`);
          expectClose(a.dx, b.dx, `${name} dx`);
        }
    });
  }

  it('takes the fused path over the last dim only (another dim is the composite itself)', () => {
    const x = fromHost(Float32Array.from(values(12, 9)), [3, 4], { requiresGrad: true });
    expect(softmax(x, 1).node?.op.name).toBe('softmax');
    expect(softmax(x, 0).node?.op.name).not.toBe('softmax');
    const along0 = run(softmax, x.dataSync() as Float32Array, [3, 4], 0);
    const composite0 = run(softmaxComposite, x.dataSync() as Float32Array, [3, 4], 0);
    expect(along0).toEqual(composite0);
  });
});
