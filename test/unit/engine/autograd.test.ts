import { describe, expect, it } from 'vitest';
import { F, noGrad, tensor } from '../../../src/tensor/index.ts';
import { gradCheck, values } from './gradcheck.ts';

const v = (shape: number[], seed = 1) => ({
  data: values(
    shape.reduce((a, b) => a * b, 1),
    seed,
  ),
  shape,
});
const positive = (shape: number[], seed = 1) => ({
  data: values(
    shape.reduce((a, b) => a * b, 1),
    seed,
  ).map((x) => x + 1.5),
  shape,
});

describe('autograd vs finite differences', () => {
  it('unary primitives', () => {
    for (const op of ['neg', 'exp', 'tanh', 'sigmoid', 'erf', 'relu'] as const) {
      gradCheck(([x]) => x![op]().mul(x!).sum(), [v([2, 3], 3)]);
    }
    gradCheck(([x]) => x!.log().sum(), [positive([5])]);
    gradCheck(([x]) => x!.sqrt().sum(), [positive([5])]);
  });

  it('broadcasting binary ops', () => {
    for (const op of ['add', 'sub', 'mul'] as const)
      gradCheck(([a, b]) => a![op](b!).square().sum(), [v([2, 3]), v([3], 2)]);
    gradCheck(([a, b]) => a!.div(b!).sum(), [v([2, 1, 3]), positive([4, 1], 2)]);
  });

  it('reductions, movement, matmul', () => {
    gradCheck(([x]) => x!.sum(1).square().sum(), [v([2, 3, 4])]);
    gradCheck(([x]) => x!.amax(-1).square().sum(), [v([3, 4])]);
    gradCheck(([x]) => x!.permute(2, 0, 1).reshape(4, 6).matmul(x!.reshape(6, 4)).sum(), [v([2, 3, 4])]);
    gradCheck(([a, b]) => a!.matmul(b!).square().sum(), [v([2, 3, 4]), v([2, 4, 5], 2)]);
    gradCheck(([x]) => x!.expand(3, 2, 4).square().sum(), [v([2, 1])]);
  });

  it('composites', () => {
    gradCheck(([x]) => F.softmax(x!, 1).mul(x!).sum(), [v([2, 4])]);
    gradCheck(([x]) => F.logSoftmax(x!, 0).square().sum(), [v([3, 2])]);
    gradCheck(([x]) => F.crossEntropy(x!, tensor([1, 0, 3], [3], { dtype: 'int64' })), [v([3, 4])]);
    gradCheck(([x, t]) => F.mseLoss(x!, t!), [v([3, 2]), v([3, 2], 5)]);
    gradCheck(
      ([x, w, b]) => F.layerNorm(x!, [4], w!, b!).square().sum(),
      [v([3, 4]), v([4], 2), v([4], 3)],
      1e-2,
      5e-2,
    );
    gradCheck(([x]) => F.gelu(x!).sum(), [v([6])]);
    gradCheck(([x, w, b]) => F.linear(x!, w!, b!).tanh().sum(), [v([2, 3]), v([4, 3], 2), v([4], 3)]);
    gradCheck(
      ([x, w]) => F.conv2d(x!, w!, null, { padding: 1, stride: 2 }).square().sum(),
      [v([1, 2, 4, 4]), v([3, 2, 3, 3], 2)],
    );
    gradCheck(([x]) => F.maxPool2d(x!, 2).square().sum(), [v([1, 2, 4, 4])]);
    gradCheck(([x]) => F.avgPool2d(x!, 2, { padding: 1 }).square().sum(), [v([1, 1, 4, 4])]);
    gradCheck(
      ([x, w, b]) => F.batchNorm(x!, null, null, w!, b!, true, 0.1, 1e-5).square().mul(x!).sum(),
      [v([4, 3]), v([3], 2), v([3], 3)],
      1e-2,
      5e-2,
    );
  });

  it('accumulates into .grad across backward calls, as torch', () => {
    const x = tensor([1, 2, 3], [3], { requiresGrad: true });
    x.mul(x).sum().backward();
    x.mul(2).sum().backward();
    expect([...x.grad!.dataSync()]).toEqual([4, 6, 8]);
  });

  it('noGrad records no graph; detach cuts it', () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(x.detach().requiresGrad).toBe(false);
    expect(x.mul(2).requiresGrad).toBe(true);
    expect(() => x.mul(2).requiresGrad_(false)).toThrow(/leaf/);
  });

  it('sums gradients of a tensor used twice (diamond)', () => {
    const x = tensor([0.5], [1], { requiresGrad: true });
    const y = x.exp();
    y.mul(y).add(y).sum().backward(); // d/dx (e^2x + e^x)
    expect(x.grad!.item()).toBeCloseTo(2 * Math.exp(1) + Math.exp(0.5), 4);
  });
});
