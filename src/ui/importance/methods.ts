/**
 * Per-layer summaries of the three importance criteria of src/analysis/importance.ts, for the tools page:
 * each layer's share of the whole model's magnitude (Σ|w|), Taylor (Σ|g·w| of the trained weights) and SNIP
 * (Σ|g·w| at initialization, Lee et al. 2019) scores. Shares rather than sums, so the three read on one
 * scale. Gradients are of the dataset's loss over every row as one batch.
 */
import { type ImportanceMethod, parameterImportance } from '../../analysis/index.ts';
import type { PyDict } from '../../checkpoint/index.ts';
import { type Module, type ModuleSpec, buildModule } from '../../nn/index.ts';
import { Generator, cpu } from '../../tensor/index.ts';
import { computeLoss } from '../../train/index.ts';
import type { TabularData } from '../../train/datasets/index.ts';
import { datasetTensors, lossFor, modelFor } from '../fusion/line.ts';
import { layerOf } from './importance.ts';

export interface Scored {
  readonly weights: Map<string, { values: Float32Array; shape: readonly number[] }>;
  readonly gradients: Map<string, Float32Array>;
}

/** The model's parameters and their gradients of the loss on all of `data`. */
export async function lossGradients(model: Module, data: TabularData): Promise<Scored> {
  const [x, y] = datasetTensors(data);
  computeLoss(lossFor(data), model.forward(x), y).backward();
  const weights: Scored['weights'] = new Map();
  const gradients: Scored['gradients'] = new Map();
  for (const [key, p] of model.namedParameters()) {
    weights.set(key, { values: Float32Array.from(await p.data()), shape: p.shape });
    if (p.grad !== null) gradients.set(key, Float32Array.from(await p.grad.data()));
  }
  return { weights, gradients };
}

export interface LayerShares {
  readonly layer: string;
  readonly params: number;
  /** The layer's share of the model's total, per criterion. */
  readonly shares: Record<ImportanceMethod, number>;
}

/** Shares by layer; SNIP scores a fresh model of `spec` (seeded by `initSeed`) as at initialization. */
export async function layerShares(
  spec: ModuleSpec,
  stateDict: PyDict,
  data: TabularData,
  initSeed = 0,
): Promise<LayerShares[]> {
  const trained = await lossGradients(modelFor(spec, stateDict), data);
  const init = await lossGradients(
    buildModule(spec, { backend: cpu, generator: new Generator(initSeed) }).eval(),
    data,
  );
  const per = (method: ImportanceMethod, s: Scored) => {
    const totals = new Map<string, number>();
    for (const p of parameterImportance(method, s.weights, s.gradients))
      totals.set(layerOf(p.key), (totals.get(layerOf(p.key)) ?? 0) + p.total);
    const sum = [...totals.values()].reduce((a, b) => a + b, 0);
    return new Map([...totals].map(([k, v]) => [k, sum > 0 ? v / sum : 0]));
  };
  const magnitude = per('magnitude', trained);
  const taylor = per('taylor', trained);
  const snip = per('snip', init);
  const params = new Map<string, number>();
  for (const [key, { values }] of trained.weights)
    params.set(layerOf(key), (params.get(layerOf(key)) ?? 0) + values.length);
  return [...params].map(([layer, n]) => ({
    layer,
    params: n,
    shares: {
      magnitude: magnitude.get(layer) ?? 0,
      taylor: taylor.get(layer) ?? 0,
      snip: snip.get(layer) ?? 0,
    },
  }));
}
