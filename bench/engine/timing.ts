/** Time-budgeted sampling for one benchmark cell (browser and Node alike): medians, never thresholds. */
import type { CellBudget } from './workloads.ts';

export interface Sampled {
  /** Median seconds of one timed run. */
  median: number;
  samples: number;
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs `once` untimed to warm up (at least once; up to budget.warmup times while the warm-up has taken less
 * than half of budget.seconds), then times it (each run ends synchronised) within the budget.
 */
export async function sample(once: () => Promise<void>, budget: CellBudget): Promise<Sampled> {
  const warmStart = performance.now();
  for (let i = 0; i < budget.warmup; i++) {
    await once();
    if ((performance.now() - warmStart) / 1000 >= budget.seconds / 2) break;
  }
  const times: number[] = [];
  const start = performance.now();
  for (;;) {
    const t0 = performance.now();
    await once();
    times.push((performance.now() - t0) / 1000);
    const elapsed = (performance.now() - start) / 1000;
    if (times.length >= budget.maxSamples) break;
    if (elapsed >= budget.seconds && times.length >= budget.minSamples) break;
    if (elapsed >= budget.capSeconds) break;
  }
  return { median: median(times), samples: times.length };
}
