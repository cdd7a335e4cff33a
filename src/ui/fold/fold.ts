/**
 * BatchNorm folding as the tools page shows it, plain TypeScript over src/analysis/fold-bn.ts (no DOM): the
 * architecture before and after, the largest |difference| between the original's and the folded model's
 * outputs in eval mode (float rounding only), and the accuracy of the original, of the fold, and of a wrong
 * fold: the same arithmetic with the statistics of one training batch in place of the running ones, which is
 * what folding a model still in training mode bakes in (brevitas #388: 93.88% to 88.91%).
 */
import { type FoldResult, foldBatchNorm } from '../../analysis/index.ts';
import { floatTensorLike } from '../../analysis/elements.ts';
import { PyDict, type StoredTensor } from '../../checkpoint/index.ts';
import type { ModuleSpec } from '../../nn/index.ts';
import { Adam } from '../../optim/index.ts';
import { buildModule, toPyStateDict } from '../../nn/index.ts';
import { Generator, type Tensor, cpu, noGrad } from '../../tensor/index.ts';
import { Trainer } from '../../train/index.ts';
import { type TabularData, selectRows, toTrainDataset } from '../../train/datasets/index.ts';
import { type Evaluation, datasetTensors, evaluate, lossFor, modelFor } from '../fusion/line.ts';

export interface FoldReport {
  readonly before: ModuleSpec;
  readonly fold: FoldResult;
  /** The largest |original − folded| over every output of every row, both in eval mode. */
  readonly maxDifference: number;
  readonly original: Evaluation;
  readonly folded: Evaluation;
  /** The fold made with one batch's statistics (training mode) instead of the running ones. */
  readonly wrong: Evaluation;
  /** Rows in the batch the wrong fold took its statistics from. */
  readonly batchRows: number;
}

const partner: Record<string, string> = { Linear: 'BatchNorm1d', Conv2d: 'BatchNorm2d' };

/** Whether `spec` is a Sequential with a Linear → BatchNorm1d or Conv2d → BatchNorm2d pair to fold. */
export function hasFoldablePair(spec: ModuleSpec): boolean {
  const layers =
    spec.type === 'Sequential' && Array.isArray(spec['layers']) ? (spec['layers'] as ModuleSpec[]) : [];
  return layers.some((l, i) => partner[l.type] !== undefined && layers[i + 1]?.type === partner[l.type]);
}

export async function foldReport(
  spec: ModuleSpec,
  stateDict: PyDict,
  data: TabularData,
  batchRows = 32,
): Promise<FoldReport> {
  const fold = foldBatchNorm(spec, stateDict);
  const [x] = datasetTensors(data);
  const original = modelFor(spec, stateDict);
  const folded = modelFor(fold.arch, fold.stateDict);
  const [a, b] = await Promise.all([
    outputs(original.forward.bind(original), x),
    outputs(folded.forward.bind(folded), x),
  ]);
  let maxDifference = 0;
  a.forEach((v, i) => (maxDifference = Math.max(maxDifference, Math.abs(v - (b[i] as number)))));

  // One batch of rows spread over the whole set, as a shuffled training batch would be.
  const n = Math.min(batchRows, data.n);
  const stride = data.n / n;
  const batch = selectRows(
    data,
    Array.from({ length: n }, (_, i) => Math.floor(i * stride)),
  );
  const wrongState = await withBatchStatistics(spec, stateDict, fold, datasetTensors(batch)[0]);
  const wrongFold = foldBatchNorm(spec, wrongState);
  return {
    before: spec,
    fold,
    maxDifference,
    original: await evaluate(original, data),
    folded: await evaluate(folded, data),
    wrong: await evaluate(modelFor(wrongFold.arch, wrongFold.stateDict), data),
    batchRows: n,
  };
}

async function outputs(forward: (x: Tensor) => Tensor, x: Tensor): Promise<Float32Array> {
  return Float32Array.from(await noGrad(() => forward(x)).data());
}

/**
 * A copy of `stateDict` whose folded BatchNorms hold, as running statistics, the mean and biased variance
 * their input had on `x` in training mode (the layers before them in training mode too, as in a train step).
 */
async function withBatchStatistics(
  spec: ModuleSpec,
  stateDict: PyDict,
  fold: FoldResult,
  x: Tensor,
): Promise<PyDict> {
  const layers = spec['layers'] as ModuleSpec[];
  const out = new PyDict('OrderedDict', [...stateDict]);
  if (stateDict.attributes !== undefined) out.attributes = new Map(stateDict.attributes);
  for (const [layer, bn] of fold.folded) {
    const prefix: ModuleSpec = { ...spec, layers: layers.slice(0, layer + 1) };
    const keep = new PyDict(
      'OrderedDict',
      [...stateDict].filter(([k]) => Number(String(k).split('.')[0]) <= layer),
    );
    const model = modelFor(prefix, keep).train();
    const h = noGrad(() => model.forward(x)); // (N, C) or (N, C, H, W)
    const values = await h.data();
    const [rows, channels] = [h.shape[0] as number, h.shape[1] as number];
    const area = values.length / (rows * channels);
    const mean = new Float64Array(channels);
    const variance = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let r = 0; r < rows; r++)
        for (let s = 0; s < area; s++) sum += values[(r * channels + c) * area + s] as number;
      const m = sum / (rows * area);
      let sq = 0;
      for (let r = 0; r < rows; r++)
        for (let s = 0; s < area; s++) sq += ((values[(r * channels + c) * area + s] as number) - m) ** 2;
      mean[c] = m;
      variance[c] = sq / (rows * area); // biased, as training mode normalizes with
    }
    for (const [name, v] of [
      ['running_mean', mean],
      ['running_var', variance],
    ] as const) {
      const key = `${bn}.${name}`;
      out.set(key, floatTensorLike(stateDict.get(key) as StoredTensor, v, key));
    }
  }
  return out;
}

/** Linear → BatchNorm1d → ReLU → Linear sized to `data`: the model to fold when a checkpoint has no BatchNorm. */
export function batchNormSpec(data: TabularData, hidden = 16): ModuleSpec {
  const outputs = data.kind === 'classification' ? (data.classes ?? 2) : 1;
  return {
    type: 'Sequential',
    layers: [
      { type: 'Linear', in_features: data.features, out_features: hidden },
      { type: 'BatchNorm1d', num_features: hidden },
      { type: 'ReLU' },
      { type: 'Linear', in_features: hidden, out_features: outputs },
    ],
  };
}

/** That model trained here on `data` (seeded Adam, batches of 32), so its running statistics are real. */
export async function trainBatchNormModel(
  data: TabularData,
  steps = 80,
): Promise<{ spec: ModuleSpec; stateDict: PyDict }> {
  const spec = batchNormSpec(data);
  const model = buildModule(spec, { backend: cpu, generator: new Generator(0) });
  const trainer = new Trainer({
    model,
    optimizer: new Adam(model.parameters(), { lr: 0.02 }),
    data: toTrainDataset(data),
    batchSize: 32,
    loss: lossFor(data),
    backend: cpu,
  });
  await trainer.run(steps);
  return { spec, stateDict: await toPyStateDict(model.eval()) };
}
