/**
 * How `<pth-loss-chart>` bounds its points. A fast run makes thousands of steps a second; redrawing every one
 * of them at each update made the chart the page's longest task. Past `maxPoints`, the older half keeps every
 * second per-batch point (held-out points are all kept), so the curve keeps its shape from step 0 at a
 * bounded cost.
 */
export const maxPoints = 2000;

/** The part of a chart point thinning looks at: points with held-out numbers are never dropped. */
interface Thinnable {
  step: number;
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

/**
 * `points` with `more` merged in by step, thinned until at most maxPoints remain (or only held-out points
 * do). A point for a step already charted joins it. The chart's x axis must be sorted: the page hears a
 * run's per-batch losses and its held-out metrics on separate paths, so a held-out point can arrive before
 * the per-batch points of the steps before it (drawn unsorted, those steps showed as a gap).
 */
export function appended<P extends Thinnable>(points: readonly P[], more: readonly P[]): P[] {
  let next = [...points];
  for (const p of more) insert(next, p);
  while (next.length > maxPoints) {
    const fewer = thinned(next);
    if (fewer.length === next.length) break;
    next = fewer;
  }
  return next;
}

/** Puts `p` in its place by step in sorted `points` (usually the end), or merges it into its step's point. */
function insert<P extends Thinnable>(points: P[], p: P): void {
  let at = points.length;
  while (at > 0 && (points[at - 1] as P).step > p.step) at--;
  const same = points[at - 1];
  if (same !== undefined && same.step === p.step) points[at - 1] = { ...same, ...p };
  else points.splice(at, 0, p);
}
