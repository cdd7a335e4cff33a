import { describe, expect, it } from 'vitest';
import type { LossPoint } from '../../../src/ui/loss-chart/pth-loss-chart.ts';
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

  it('keeps the steps in order when a held-out point arrives before the per-batch points it follows', () => {
    // The page hears a run's held-out metrics apart from its per-batch losses, which come in batches.
    const batch = (from: number, to: number): LossPoint[] =>
      Array.from({ length: to - from + 1 }, (_, i) => ({ step: from + i, trainLoss: 1 }));
    let points = appended([], batch(1, 280));
    points = appended(points, [{ step: 300, heldOutLoss: 0.5 }]);
    points = appended(points, batch(281, 320));
    expect(points.map((p) => p.step)).toEqual(batch(1, 320).map((p) => p.step));
    expect(points.find((p) => p.step === 300)).toEqual({ step: 300, trainLoss: 1, heldOutLoss: 0.5 });
  });
});
