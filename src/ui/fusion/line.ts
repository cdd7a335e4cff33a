/**
 * The tools page's arithmetic on checkpoints, as plain TypeScript over src/analysis (no DOM): reading a model
 * file (a state_dict, or a general checkpoint with its `arch`), the interpolated state_dict
 * (1 − α)·A + α·B through src/analysis's fusion (integer buffers take the maximum), a model's loss and accuracy
 * on a dataset, the loss along the line α ∈ [−0.5, 1.5] (a one-dimensional slice of the loss landscape), and
 * the weighted average of N files as the bytes of a `.pth`.
 */
import { type Fused, fuseStateDicts, stateDictOf } from '../../analysis/index.ts';
import { type PyDict, saveTorchZipParts } from '../../checkpoint/index.ts';
import { loadCheckpointOffThread } from '../../checkpoint/off-thread/load.ts';
import { type Module, type ModuleSpec, buildModule } from '../../nn/index.ts';
import { Generator, type Tensor, cpu, fromHost, noGrad } from '../../tensor/index.ts';
import { type LossName, computeLoss, loadModelState, readGeneralCheckpoint } from '../../train/index.ts';
import type { TabularData } from '../../train/datasets/index.ts';

/** One checkpoint file as the tools read it. */
export interface ModelFile {
  name: string;
  stateDict: PyDict;
  /** The general checkpoint's architecture, if it has one; a bare state_dict has none. */
  arch: ModuleSpec | undefined;
  /** A general checkpoint (the weights are its model_state_dict). */
  general: boolean;
}

/**
 * Reads a .pth/.pt/.safetensors file (parsed in a worker in the browser); rejects with CheckpointError,
 * AnalysisError or TrainError naming the problem.
 */
export async function readModelFile(name: string, bytes: Uint8Array): Promise<ModelFile> {
  const { value } = await loadCheckpointOffThread(bytes);
  const { stateDict, general } = stateDictOf(value, name);
  const arch = general ? readGeneralCheckpoint(value).arch : undefined;
  return { name, stateDict, arch, general };
}

/** (1 − alpha)·A + alpha·B, key by key; throws AnalysisError naming the keys that do not match. */
export function interpolate(a: ModelFile, b: ModelFile, alpha: number): PyDict {
  return fuseStateDicts(
    [
      { name: a.name, stateDict: a.stateDict },
      { name: b.name, stateDict: b.stateDict },
    ],
    [1 - alpha, alpha],
  ).stateDict;
}

export interface Evaluation {
  loss: number;
  /** Share of rows classified right; undefined for regression. */
  accuracy: number | undefined;
}

/** The loss a dataset is scored with: cross-entropy for classes, mean squared error for regression. */
export function lossFor(data: TabularData): LossName {
  return data.kind === 'classification' ? 'cross_entropy' : 'mse';
}

/** All rows of `data` as one batch: x (n, features) or (n, c, h, w), y (n,) class ids or (n, 1) targets. */
export function datasetTensors(data: TabularData): [Tensor, Tensor] {
  const xShape = data.imageShape === undefined ? [data.n, data.features] : [data.n, ...data.imageShape];
  const yShape = data.kind === 'classification' ? [data.n] : [data.n, 1];
  return [fromHost(data.x, xShape, { backend: cpu }), fromHost(data.y, yShape, { backend: cpu })];
}

/** A CPU model of `spec` holding `stateDict` (strict load: torch's message names the keys on a mismatch). */
export function modelFor(spec: ModuleSpec, stateDict: PyDict): Module {
  const model = buildModule(spec, { backend: cpu, generator: new Generator(0) });
  loadModelState(model, stateDict, cpu);
  return model.eval();
}

/** The model's mean loss and accuracy over every row of `data`, in eval mode without gradients. */
export async function evaluate(model: Module, data: TabularData): Promise<Evaluation> {
  const [x, y] = datasetTensors(data);
  const output = noGrad(() => model.eval().forward(x));
  const loss = (await noGrad(() => computeLoss(lossFor(data), output, y)).data())[0] as number;
  if (data.kind !== 'classification') return { loss, accuracy: undefined };
  const logits = await output.data();
  const classes = output.shape[1] as number;
  let correct = 0;
  for (let r = 0; r < data.n; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if ((logits[r * classes + c] as number) > (logits[r * classes + best] as number)) best = c;
    if (best === data.y[r]) correct++;
  }
  return { loss, accuracy: correct / data.n };
}

/** `points` alphas evenly from `from` to `to`, computed as from + i·step so 0 and 1 land exactly. */
export function lineAlphas(from = -0.5, to = 1.5, points = 41): number[] {
  if (!(points >= 2) || !Number.isSafeInteger(points)) throw new RangeError('a line needs at least 2 points');
  const intervals = points - 1;
  return Array.from({ length: points }, (_, i) => roundAlpha((from * (intervals - i) + to * i) / intervals));
}

/** Alphas as shown: 1e-9 noise of float steps removed (0.30000000000000004 → 0.3). */
export function roundAlpha(alpha: number): number {
  return Math.round(alpha * 1e9) / 1e9;
}

export interface LinePoint extends Evaluation {
  alpha: number;
}

/** The loss and accuracy of the interpolated model at each alpha (one model, reloaded per point). */
export async function lossLine(
  a: ModelFile,
  b: ModelFile,
  spec: ModuleSpec,
  data: TabularData,
  alphas: readonly number[] = lineAlphas(),
): Promise<LinePoint[]> {
  const model = modelFor(spec, a.stateDict);
  const out: LinePoint[] = [];
  for (const alpha of alphas) {
    loadModelState(model, interpolate(a, b, alpha), cpu);
    out.push({ alpha, ...(await evaluate(model, data)) });
  }
  return out;
}

/**
 * The loss barrier of a line (Frankle et al. 2020; Ainsworth et al. 2022): the largest rise of the loss above
 * the straight line between its two ends, max over α in [0, 1] of loss(α) − ((1 − α)·loss(0) + α·loss(1)).
 * Undefined when the points do not include both α = 0 and α = 1.
 */
export function lossBarrier(points: readonly LinePoint[]): number | undefined {
  const a = points.find((p) => p.alpha === 0);
  const b = points.find((p) => p.alpha === 1);
  if (a === undefined || b === undefined) return undefined;
  let barrier = 0;
  for (const p of points)
    if (p.alpha >= 0 && p.alpha <= 1)
      barrier = Math.max(barrier, p.loss - ((1 - p.alpha) * a.loss + p.alpha * b.loss));
  return barrier;
}

/**
 * Weights typed by a person: empty means equal weights; otherwise numbers separated by commas or spaces,
 * one per file. Throws RangeError with the reason.
 */
export function parseWeightList(text: string, files: number): number[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const parts = trimmed.split(/[\s,]+/).map((p) => (p === '' ? NaN : Number(p)));
  if (parts.some((w) => !Number.isFinite(w)))
    throw new RangeError(`weights must be numbers separated by commas, got "${trimmed}"`);
  if (parts.length !== files)
    throw new RangeError(`${parts.length} weights for ${files} files: give one weight per file`);
  return parts;
}

export interface Average {
  /** A torch zip of the averaged state_dict in parts (`torch.load` it, then `load_state_dict`). */
  parts: Uint8Array[];
  fused: Fused;
}

/** The weighted average of the files' state_dicts (default equal weights) as a `.pth` state_dict. */
export function averageFiles(files: readonly ModelFile[], weights?: readonly number[]): Average {
  const fused = fuseStateDicts(
    files.map((f) => ({ name: f.name, stateDict: f.stateDict })),
    weights,
  );
  return { parts: saveTorchZipParts(fused.stateDict, { root: 'average' }), fused };
}
