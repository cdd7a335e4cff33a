/** The seeded toy datasets: shapes, labels, determinism, the noise and size controls, bad options. */
import { describe, expect, it } from 'vitest';
import {
  DatasetError,
  makeSynthetic,
  splitHoldout,
  syntheticNames,
  toTrainDataset,
} from '../../../src/train/datasets/index.ts';

describe('synthetic datasets', () => {
  it.each(syntheticNames)('%s: right shapes, finite values, same bytes for the same seed', (name) => {
    const a = makeSynthetic(name, { n: 101, seed: 7 });
    const b = makeSynthetic(name, { n: 101, seed: 7 });
    const c = makeSynthetic(name, { n: 101, seed: 8 });
    expect(a.n).toBe(101);
    expect(a.x.length).toBe(101 * a.features);
    expect(a.y.length).toBe(101);
    expect(a.x.every(Number.isFinite)).toBe(true);
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.x).not.toEqual(c.x);
    if (name === 'sine') {
      expect(a).toMatchObject({ kind: 'regression', features: 1 });
      expect(a.y).toBeInstanceOf(Float32Array);
    } else {
      expect(a).toMatchObject({ kind: 'classification', features: 2 });
      expect(a.y).toBeInstanceOf(Int32Array);
      const counts = new Array<number>(a.classes ?? 0).fill(0);
      for (const k of a.y) counts[k]!++;
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(name === 'xor' ? 40 : 1);
    }
  });

  it('noise 0 puts the points exactly on their curves', () => {
    const circles = makeSynthetic('circles', { n: 50, noise: 0 });
    for (let i = 0; i < circles.n; i++) {
      const r = Math.hypot(circles.x[2 * i]!, circles.x[2 * i + 1]!);
      expect(r).toBeCloseTo(circles.y[i] === 0 ? 1 : 0.5, 5);
    }
    const sine = makeSynthetic('sine', { n: 50, noise: 0 });
    for (let i = 0; i < sine.n; i++) expect(sine.y[i]).toBeCloseTo(Math.sin(sine.x[i]!), 5);
    const xor = makeSynthetic('xor', { n: 50, noise: 0 });
    for (let i = 0; i < xor.n; i++) expect(xor.y[i]).toBe(xor.x[2 * i]! * xor.x[2 * i + 1]! < 0 ? 1 : 0);
  });

  it('more noise spreads the points further from the noiseless ones', () => {
    const spread = (noise: number) => {
      const clean = makeSynthetic('moons', { n: 200, noise: 0, seed: 3 });
      const noisy = makeSynthetic('moons', { n: 200, noise, seed: 3 });
      return noisy.x.reduce((s, v, i) => s + Math.abs(v - clean.x[i]!), 0) / noisy.x.length;
    };
    expect(spread(0.3)).toBeGreaterThan(spread(0.05) * 3);
  });

  it('spirals and blobs take a class count', () => {
    expect(makeSynthetic('spirals', { classes: 5 }).classes).toBe(5);
    expect(new Set(makeSynthetic('blobs', { classes: 4, n: 40 }).y).size).toBe(4);
  });

  it('rejects bad options with a named error', () => {
    expect(() => makeSynthetic('moons', { n: 0 })).toThrow(DatasetError);
    expect(() => makeSynthetic('moons', { n: 1.5 })).toThrow(/n must be a whole number/);
    expect(() => makeSynthetic('moons', { noise: -1 })).toThrow(/noise must be >= 0/);
    expect(() => makeSynthetic('spirals', { classes: 1 })).toThrow(/classes must be/);
  });

  it('splits off a seeded held-out set without losing or repeating rows', () => {
    const data = makeSynthetic('spirals', { n: 100, seed: 1 });
    const { train, heldOut } = splitHoldout(data, 0.2, 5);
    expect([train.n, heldOut.n]).toEqual([80, 20]);
    const key = (d: typeof data, i: number) => `${d.x[2 * i]},${d.x[2 * i + 1]},${d.y[i]}`;
    const all = new Set(Array.from({ length: 100 }, (_, i) => key(data, i)));
    const seen = [
      ...Array.from({ length: 80 }, (_, i) => key(train, i)),
      ...Array.from({ length: 20 }, (_, i) => key(heldOut, i)),
    ];
    expect(new Set(seen)).toEqual(all);
    expect(splitHoldout(data, 0.2, 5).heldOut.x).toEqual(heldOut.x);
  });

  it('gives src/train the shapes its losses expect', () => {
    const cls = toTrainDataset(makeSynthetic('moons', { n: 10 }));
    expect([cls.xShape, cls.yShape, cls.length]).toEqual([[10, 2], [10], 10]);
    const reg = toTrainDataset(makeSynthetic('sine', { n: 10 }));
    expect([reg.xShape, reg.yShape]).toEqual([
      [10, 1],
      [10, 1],
    ]);
  });
});
