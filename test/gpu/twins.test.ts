/**
 * The TypeScript twins against independent references: each backward against central finite differences of
 * its forward (in float32, so loose tolerances on small shapes), matmul against a naive triple loop, and a few
 * hand-computed values. The GPU kernels are tested against these twins; these tests anchor the twins.
 */
import { describe, expect, it } from 'vitest';
import {
  avgPool2d,
  avgPool2dBackward,
  binary,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dShape,
  dropoutMask,
  erf,
  layerNorm,
  layerNormBackward,
  logSoftmax,
  logSoftmaxBackward,
  matmul,
  reduce,
  resizeBilinear,
  resizeBilinearBackward,
  softmax,
  softmaxBackward,
  pool2dShape,
  unary,
  unaryBackward,
  UNARY_GRAD_OPS,
} from '../../src/kernels/index.ts';
import { expectClose, randomFloats } from './compare.ts';

/** d/dx of sum(f(x) * dy), by central differences. */
function numericGrad(
  f: (x: Float32Array) => Float32Array,
  x: Float32Array,
  dy: Float32Array,
  h = 1e-2,
): Float32Array {
  const g = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xp = x.slice();
    const xm = x.slice();
    xp[i]! += h;
    xm[i]! -= h;
    const fp = f(xp);
    const fm = f(xm);
    let s = 0;
    for (let j = 0; j < dy.length; j++) s += (fp[j]! - fm[j]!) * dy[j]!;
    g[i] = s / (2 * h);
  }
  return g;
}

const GRAD_TOL = { atol: 2e-3, rtol: 2e-2 };

describe('twins: backward formulas match finite differences', () => {
  it('unary', () => {
    for (const op of UNARY_GRAD_OPS) {
      const x = randomFloats(20, 1, op === 'sqrt' ? 0.5 : -3, 3).map((v) => (Math.abs(v) < 0.05 ? 0.3 : v));
      const dy = randomFloats(20, 2);
      const saved = op === 'tanh' || op === 'sigmoid' || op === 'sqrt' ? unary(op, x) : x;
      expectClose(
        unaryBackward(op, saved, dy, 0.1),
        numericGrad((v) => unary(op, v, 0.1), x, dy, 1e-3),
        {
          ...GRAD_TOL,
          label: op,
        },
      );
    }
  });

  it('softmax and log_softmax', () => {
    const x = randomFloats(12, 3, -2, 2);
    const dy = randomFloats(12, 4);
    expectClose(
      softmaxBackward(softmax(x, 3, 4), dy, 3, 4),
      numericGrad((v) => softmax(v, 3, 4), x, dy),
      GRAD_TOL,
    );
    expectClose(
      logSoftmaxBackward(logSoftmax(x, 3, 4), dy, 3, 4),
      numericGrad((v) => logSoftmax(v, 3, 4), x, dy),
      GRAD_TOL,
    );
  });

  it('conv2d input and weight', () => {
    const s = conv2dShape({
      n: 1,
      cIn: 2,
      h: 5,
      w: 4,
      cOut: 2,
      kH: 3,
      kW: 2,
      strideH: 2,
      padH: 1,
      padW: 1,
      dilW: 2,
    });
    const x = randomFloats(40, 7);
    const w = randomFloats(24, 8);
    const y = conv2d(x, w, null, s);
    const dy = randomFloats(y.length, 9);
    expectClose(
      conv2dBackwardInput(dy, w, s),
      numericGrad((v) => conv2d(v, w, null, s), x, dy),
      GRAD_TOL,
    );
    expectClose(
      conv2dBackwardWeight(x, dy, s),
      numericGrad((v) => conv2d(x, v, null, s), w, dy),
      GRAD_TOL,
    );
  });

  it('avg_pool2d and bilinear resize', () => {
    const s = pool2dShape({ n: 1, c: 1, h: 5, w: 6, kH: 3, kW: 2, strideH: 2, strideW: 2, padH: 1, padW: 1 });
    const x = randomFloats(30, 10);
    const dy = randomFloats(avgPool2d(x, s).length, 11);
    expectClose(
      avgPool2dBackward(dy, s),
      numericGrad((v) => avgPool2d(v, s), x, dy),
      GRAD_TOL,
    );
    const r = { n: 1, c: 1, h: 5, w: 6, hOut: 7, wOut: 4 };
    const dyr = randomFloats(28, 12);
    expectClose(
      resizeBilinearBackward(dyr, r),
      numericGrad((v) => resizeBilinear(v, r), x, dyr),
      GRAD_TOL,
    );
  });

  it('layer_norm', () => {
    const x = randomFloats(24, 13, -2, 2);
    const dy = randomFloats(24, 16);
    const g6 = randomFloats(6, 17, 0.5, 1.5);
    const b6 = randomFloats(6, 18);
    const ln = layerNorm(x, g6, b6, 4, 6);
    const lnB = layerNormBackward(dy, x, g6, ln.mean, ln.rstd, 4, 6);
    expectClose(
      lnB.dx,
      numericGrad((v) => layerNorm(v, g6, b6, 4, 6).y, x, dy),
      GRAD_TOL,
    );
    expectClose(
      lnB.dgamma,
      numericGrad((g) => layerNorm(x, g, b6, 4, 6).y, g6, dy),
      GRAD_TOL,
    );
    expectClose(
      lnB.dbeta,
      numericGrad((b) => layerNorm(x, g6, b, 4, 6).y, b6, dy),
      GRAD_TOL,
    );
  });
});

describe('twins: forward values', () => {
  it('matmul equals a naive triple loop in every layout', () => {
    const [batch, m, k, n] = [2, 3, 5, 4];
    const a = randomFloats(batch * m * k, 20);
    const b = randomFloats(batch * k * n, 21);
    const naive = new Float32Array(batch * m * n);
    for (let z = 0; z < batch; z++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += a[z * m * k + i * k + p]! * b[z * k * n + p * n + j]!;
          naive[z * m * n + i * n + j] = s;
        }
    const transpose = (x: Float32Array, r: number, c: number) => {
      const t = new Float32Array(x.length);
      for (let z = 0; z < x.length / (r * c); z++)
        for (let i = 0; i < r; i++)
          for (let j = 0; j < c; j++) t[z * r * c + j * r + i] = x[z * r * c + i * c + j]!;
      return t;
    };
    const shape = { batch, m, k, n };
    expectClose(matmul(a, b, shape), naive);
    expectClose(matmul(transpose(a, m, k), b, { ...shape, transA: true }), naive);
    expectClose(matmul(a, transpose(b, k, n), { ...shape, transB: true }), naive);
    expectClose(
      matmul(transpose(a, m, k), transpose(b, k, n), { ...shape, transA: true, transB: true }),
      naive,
    );
  });

  it('erf, gelu and broadcasting by hand', () => {
    expect(erf(0)).toBeCloseTo(0, 7);
    expect(erf(1)).toBeCloseTo(0.8427007929, 6);
    expect(erf(-2)).toBeCloseTo(-0.995322265, 6);
    expect(unary('gelu', Float32Array.of(1))[0]).toBeCloseTo(0.8413447, 6);
    const r = binary('sub', Float32Array.of(1, 2, 3), [3, 1], Float32Array.of(10, 20), [2]);
    expect(r.shape).toEqual([3, 2]);
    expect([...r.data]).toEqual([-9, -19, -8, -18, -7, -17]);
    expect(() => binary('add', new Float32Array(6), [2, 3], new Float32Array(2), [2])).toThrow(/broadcast/);
  });

  it('reductions keep or drop dims as torch', () => {
    const x = Float32Array.from({ length: 24 }, (_, i) => i);
    expect(reduce('sum', x, [2, 3, 4], [1], true).shape).toEqual([2, 1, 4]);
    expect([...reduce('max', x, [2, 3, 4], [0, 2]).data]).toEqual([15, 19, 23]);
    expect([...reduce('mean', x, [2, 3, 4], []).data]).toEqual([11.5]);
  });

  it('dropout keeps about 1 - p of the elements, scaled, and is reproducible', () => {
    const params = { p: 0.25, seed: [42, 7] as const, offset: 0 };
    const mask = dropoutMask(100_000, params);
    const kept = mask.filter((v) => v !== 0);
    expect(kept.length / mask.length).toBeCloseTo(0.75, 2);
    expect(kept[0]).toBeCloseTo(1 / 0.75, 6);
    expect(dropoutMask(100, params)).toEqual(mask.slice(0, 100));
    expect(dropoutMask(100, { ...params, offset: 1 })).not.toEqual(mask.slice(0, 100));
  });
});
