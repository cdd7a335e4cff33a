import { describe, expect, it } from 'vitest';
import { appended, maxPoints } from '../../../src/ui/loss-chart/thin.ts';

describe('the loss chart keeps a bounded number of points', () => {
  const run = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      step: i + 1,
      trainLoss: 1 / (i + 1),
      ...(i % 100 === 99 ? { heldOutLoss: 2 / (i + 1), accuracy: 0.5 } : {}),
    }));

  it('keeps every point up to the bound', () => {
    expect(appended([], run(maxPoints))).toHaveLength(maxPoints);
  });

  it('thins the older per-batch points past it, keeping every held-out point, the first and the newest', () => {
    let points: ReturnType<typeof run> = [];
    const all = run(20_000);
    for (let i = 0; i < all.length; i += 37) points = appended(points, all.slice(i, i + 37));
    expect(points.length).toBeLessThanOrEqual(maxPoints);
    expect(points.filter((p) => p.heldOutLoss !== undefined)).toHaveLength(200);
    expect(points[0]?.step).toBe(1);
    expect(points.at(-1)?.step).toBe(20_000);
    expect(points.map((p) => p.step)).toEqual([...points.map((p) => p.step)].sort((a, b) => a - b));
  });
});
