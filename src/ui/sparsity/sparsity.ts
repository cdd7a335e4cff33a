/**
 * Accuracy versus sparsity, plain TypeScript over src/analysis/prune.ts (no DOM): the model's Linear and
 * Conv2d weights pruned globally (one threshold over every layer, as `prune.global_unstructured`) to each
 * amount, ranked by |w| (l1) or by |g·w| (Taylor, gradients of the loss on all of the data), and scored.
 */
import { parameterImportance, pruneStateDict } from '../../analysis/index.ts';
import type { PyDict } from '../../checkpoint/index.ts';
import type { ModuleSpec } from '../../nn/index.ts';
import type { TabularData } from '../../train/datasets/index.ts';
import { type Evaluation, evaluate, modelFor } from '../fusion/line.ts';
import { lossGradients } from '../importance/methods.ts';

export type PruneMethod = 'l1' | 'taylor';

export interface SparsityPoint extends Evaluation {
  /** The share of prunable weights set to zero. */
  readonly sparsity: number;
}

export interface SparsityCurve {
  readonly method: PruneMethod;
  readonly points: SparsityPoint[];
}

export const defaultAmounts = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

export async function sparsityCurves(
  spec: ModuleSpec,
  stateDict: PyDict,
  data: TabularData,
  amounts: readonly number[] = defaultAmounts,
): Promise<SparsityCurve[]> {
  const { weights, gradients } = await lossGradients(modelFor(spec, stateDict), data);
  const taylor = new Map(
    parameterImportance('taylor', weights, gradients).map((p) => [p.key, p.elements] as const),
  );
  const curves: SparsityCurve[] = [];
  for (const method of ['l1', 'taylor'] as const) {
    const points: SparsityPoint[] = [];
    for (const amount of amounts) {
      const pruned = pruneStateDict(spec, stateDict, {
        amount,
        global: true,
        remove: true,
        ...(method === 'taylor' ? { scores: taylor } : {}),
      });
      const e = await evaluate(modelFor(spec, pruned.stateDict), data);
      points.push({ sparsity: pruned.pruned / pruned.total, ...e });
    }
    curves.push({ method, points });
  }
  return curves;
}
