/** MNIST from the `mnist` package's files: shapes, value range, labels, seeded order, disjoint ranges. */
import { describe, expect, it } from 'vitest';
import { mnistFromDigits } from '../../../src/train/datasets/index.ts';
import { readMnistDigits } from '../../../src/train/datasets/mnist-node.ts';

describe('mnist', async () => {
  const digits = await readMnistDigits();

  it('ships 863 to 1127 28x28 images of each digit, pixels in [0, 1]', () => {
    expect(digits).toHaveLength(10);
    for (const d of digits) {
      expect(d.length % 784).toBe(0);
      expect(d.length / 784).toBeGreaterThanOrEqual(863);
    }
    expect(digits[3]!.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('assembles a seeded, balanced, shuffled set of (1, 28, 28) rows', () => {
    const a = mnistFromDigits(digits, { perClass: 20, seed: 1 });
    expect(a).toMatchObject({
      n: 200,
      features: 784,
      classes: 10,
      kind: 'classification',
      imageShape: [1, 28, 28],
    });
    const counts = new Array<number>(10).fill(0);
    for (const k of a.y) counts[k]!++;
    expect(counts).toEqual(new Array(10).fill(20));
    expect(mnistFromDigits(digits, { perClass: 20, seed: 1 }).x).toEqual(a.x);
    expect([...mnistFromDigits(digits, { perClass: 20, seed: 2 }).y]).not.toEqual([...a.y]);
    // Each row is one of the package's images, with its own label.
    const row = a.y.indexOf(7);
    const image = a.x.subarray(row * 784, row * 784 + 784);
    const source = digits[7]!;
    const found = Array.from({ length: 20 }, (_, i) => i).some((i) =>
      image.every((v, p) => v === source[i * 784 + p]),
    );
    expect(found).toBe(true);
  });

  it('takes a disjoint held-out range with offset, and refuses one past the end', () => {
    const train = mnistFromDigits(digits, { perClass: 5 });
    const test = mnistFromDigits(digits, { perClass: 5, offset: 5 });
    const rows = (d: typeof train) =>
      new Set(Array.from({ length: d.n }, (_, i) => d.x.subarray(i * 784, i * 784 + 784).join()));
    const overlap = [...rows(test)].filter((r) => rows(train).has(r));
    expect(overlap).toEqual([]);
    expect(() => mnistFromDigits(digits, { perClass: 5, offset: 5000 })).toThrow(/images 5000\.\.5004/);
  });
});
