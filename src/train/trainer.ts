/**
 * Trainer: the training loop over a Dataset with the batching rule of data.ts, in torch's order
 *   opt.zero_grad(); out = model(x); loss = loss_fn(out, y); loss.backward(); opt.step()
 * plus per-step metrics and the divergence guard: a NaN or infinite loss stops training BEFORE backward
 * and the optimizer step, with a DivergenceError naming the step; the model keeps its last finite weights.
 */
import type { Module } from '../nn/index.ts';
import { type Optimizer, clipGradNorm } from '../optim/index.ts';
import { type Backend, F, type Tensor, formatSize } from '../tensor/index.ts';
import { type Dataset, type ShuffleOrder, batchRows, epochAt, gatherBatch } from './data.ts';
import { DivergenceError, TrainError } from './errors.ts';

export const lossNames = ['cross_entropy', 'mse'] as const;
export type LossName = (typeof lossNames)[number];

/** torch.nn.functional.cross_entropy / mse_loss with mean reduction, after checking shapes. */
export function computeLoss(name: LossName, output: Tensor, target: Tensor): Tensor {
  if (name === 'mse') {
    if (output.shape.length !== target.shape.length || output.shape.some((d, i) => d !== target.shape[i])) {
      throw new TrainError(
        `mse: the model's output ${formatSize(output.shape)} and y ${formatSize(target.shape)} differ in shape ` +
          "(torch would broadcast them with a warning; give y the output's shape)",
      );
    }
    if (target.dtype !== 'float32') throw new TrainError('mse: y must hold floating-point values');
    return F.mseLoss(output, target);
  }
  if (output.ndim === 3 && target.dtype === 'int64' && target.ndim === 2) {
    // A language model's (B, T, V) logits and (B, T) next ids: nanoGPT's cross_entropy over (B*T, V), -1 ignored.
    const [b, t, v] = output.shape as [number, number, number];
    if (target.shape[0] !== b || target.shape[1] !== t)
      throw new TrainError(
        `cross_entropy: the model's output ${formatSize(output.shape)} needs y of shape (${b}, ${t}), got ${formatSize(target.shape)}`,
      );
    return F.crossEntropy(output.view(-1, v), target.view(-1), { ignoreIndex: -1 }); // (B*T, V), (B*T)
  }
  if (output.ndim !== 2)
    throw new TrainError(`cross_entropy: the model's output must be (N, C), got ${formatSize(output.shape)}`);
  const classIds = target.dtype === 'int64' && target.ndim === 1;
  const probabilities =
    target.dtype === 'float32' && target.ndim === 2 && target.shape[1] === output.shape[1];
  if (!classIds && !probabilities) {
    throw new TrainError(
      `cross_entropy: y must be integer class ids (N,) or float probabilities (N, ${output.shape[1]}), ` +
        `got ${target.dtype} ${formatSize(target.shape)}`,
    );
  }
  return F.crossEntropy(output, target);
}

export interface StepRecord {
  /** 1-based global step: the number of optimizer steps taken once this one is done. */
  step: number;
  loss: number;
  /** Share of the batch whose argmax matches its class id (cross_entropy with class ids only). */
  accuracy?: number;
}

/**
 * Batches drawn rather than read in order (nanoGPT's get_batch: random windows of a token stream): the batch
 * of global step `step`, a function of it alone so a resumed run draws what a straight one would.
 */
export interface BatchSource {
  /** Rows (tokens) one epoch holds, for `epoch`. */
  readonly length: number;
  batch(step: number, batchSize: number, backend: Backend): [Tensor, Tensor];
}

export interface TrainerOptions {
  model: Module;
  optimizer: Optimizer<object, unknown>;
  data: Dataset | BatchSource;
  batchSize: number;
  loss: LossName;
  backend: Backend;
  /** Steps already taken (a resumed run): batches continue from here. */
  startStep?: number;
  shuffle?: ShuffleOrder;
  /** torch.nn.utils.clip_grad_norm_(model.parameters(), C) between backward and the step (nanoGPT's grad_clip). */
  clipGradNorm?: number;
}

export class Trainer {
  /** Optimizer steps taken so far, across resumes. */
  step: number;
  /** The loss of the last step taken, or null before any. */
  lastLoss: number | null = null;

  constructor(private readonly opts: TrainerOptions) {
    this.step = opts.startStep ?? 0;
    if (!Number.isSafeInteger(this.step) || this.step < 0) throw new RangeError('startStep must be >= 0');
  }

  get epoch(): number {
    return epochAt(this.step, this.opts.batchSize, this.opts.data.length);
  }

  async trainStep(): Promise<StepRecord> {
    const { model, optimizer, data, batchSize, backend } = this.opts;
    const [x, y] =
      'batch' in data
        ? data.batch(this.step, batchSize, backend)
        : gatherBatch(data, batchRows(this.step, batchSize, data.length, this.opts.shuffle), backend);
    model.train();
    optimizer.zeroGrad();
    const output = model.forward(x);
    const loss = computeLoss(this.opts.loss, output, y);
    const value = (await loss.data())[0] as number;
    if (!Number.isFinite(value)) {
      throw new DivergenceError(
        `training diverged: the loss is ${value} at step ${this.step + 1}; stopped before updating the weights ` +
          '(try a smaller --lr)',
        this.step + 1,
        value,
      );
    }
    loss.backward();
    if (this.opts.clipGradNorm !== undefined) clipGradNorm(model.parameters(), this.opts.clipGradNorm);
    optimizer.step();
    this.step++;
    this.lastLoss = value;
    const record: StepRecord = { step: this.step, loss: value };
    if (this.opts.loss === 'cross_entropy' && y.dtype === 'int64')
      record.accuracy = accuracy(
        await output.data(),
        (await y.data()) as Int32Array,
        output.shape.at(-1) as number, // (N, C), or (B, T, V) read as (B*T, V)
      );
    return record;
  }

  /** `steps` more steps; `onStep` sees each record as it completes. */
  async run(steps: number, onStep?: (r: StepRecord) => void): Promise<StepRecord[]> {
    const records: StepRecord[] = [];
    for (let i = 0; i < steps; i++) {
      const r = await this.trainStep();
      records.push(r);
      onStep?.(r);
    }
    return records;
  }
}

/** Share of rows whose first maximal logit is at the class id. */
function accuracy(logits: ArrayLike<number>, target: Int32Array, classes: number): number {
  let correct = 0;
  for (let r = 0; r < target.length; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if ((logits[r * classes + c] as number) > (logits[r * classes + best] as number)) best = c;
    }
    if (best === target[r]) correct++;
  }
  return correct / target.length;
}
