/**
 * How `<pth-loss-chart>` bounds its points. A fast run makes thousands of steps a second; redrawing every one
 * of them at each update made the chart the page's longest task. Past `maxPoints`, the older half keeps every
 * second per-batch point (held-out points are all kept), so the curve keeps its shape from step 0 at a
 * bounded cost.
 */
export const maxPoints = 2000;

/** The part of a chart point thinning looks at: points with held-out numbers are never dropped. */
interface Thinnable {
  heldOutLoss?: number | undefined;
  accuracy?: number | undefined;
}

/** `points` with every second per-batch point of the older half dropped. */
export function thinned<P extends Thinnable>(points: readonly P[]): P[] {
  const half = Math.floor(points.length / 2);
  let trainOnly = 0;
  const older = points.slice(0, half).filter((p) => {
    if (p.heldOutLoss !== undefined || p.accuracy !== undefined) return true;
    return trainOnly++ % 2 === 0;
  });
  return [...older, ...points.slice(half)];
}

/** `points` and then `more`, thinned until at most maxPoints remain (or only held-out points do). */
export function appended<P extends Thinnable>(points: readonly P[], more: readonly P[]): P[] {
  let next = [...points, ...more];
  while (next.length > maxPoints) {
    const fewer = thinned(next);
    if (fewer.length === next.length) break;
    next = fewer;
  }
  return next;
}
