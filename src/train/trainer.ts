/**
 * Trainer: the training loop over a Dataset with the batching rule of data.ts, in torch's order
 *   opt.zero_grad(); out = model(x); loss = loss_fn(out, y); loss.backward(); opt.step()
 * plus metrics read back every k steps, asynchronously (one submit per step on WebGPU, never a wait inside
 * one), and the divergence guard on those values: a NaN or infinite loss stops training with a
 * DivergenceError naming the step, and the weights go back to the last ones known finite.
 */
import type { Module } from '../nn/index.ts';
import { type Optimizer, clipGradNorm } from '../optim/index.ts';
import { type Backend, type DeviceBuffer, F, type Tensor, formatSize, noGrad } from '../tensor/index.ts';
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

/** A step encoded and submitted, not waited on: its number, and every k-th step its metrics to come. */
export interface StepHandle {
  step: number;
  /**
   * The step's loss (and batch accuracy), once the device has them: on the steps that read back (every
   * `metricsEvery`, or a `trainStep`). Rejects with a DivergenceError when the loss is NaN or infinite.
   */
  metrics?: Promise<StepRecord>;
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
  /** `enqueueStep` reads the loss back on every this many steps (default 1). */
  metricsEvery?: number;
}

/** Copies of the parameters' buffers before the update of step `step` (the weights its loss was computed at). */
interface Snapshot {
  step: number;
  buffers: DeviceBuffer[];
}

export class Trainer {
  /** Optimizer steps taken so far, across resumes. */
  step: number;
  /** The loss of the last step read back, or null before any. */
  lastLoss: number | null = null;
  /** The step `lastLoss` belongs to. */
  lastLossStep = 0;
  /** Set once a read-back loss was not finite: every later step throws it. */
  private failure: DivergenceError | undefined;
  /** The weights before the last step whose loss was read back finite (or before the first step). */
  private lastGood: Snapshot | undefined;

  constructor(private readonly opts: TrainerOptions) {
    this.step = opts.startStep ?? 0;
    if (!Number.isSafeInteger(this.step) || this.step < 0) throw new RangeError('startStep must be >= 0');
    const every = opts.metricsEvery ?? 1;
    if (!Number.isSafeInteger(every) || every < 1) throw new RangeError('metricsEvery must be >= 1');
  }

  get epoch(): number {
    return epochAt(this.step, this.opts.batchSize, this.opts.data.length);
  }

  /** Steps between read-backs of the loss in `enqueueStep`. */
  get metricsEvery(): number {
    return this.opts.metricsEvery ?? 1;
  }

  /** One step, waiting for its loss: `enqueueStep` with a read-back, awaited. */
  async trainStep(): Promise<StepRecord> {
    return (await this.enqueueStep(true).metrics) as StepRecord;
  }

  /**
   * One step in torch's order, encoded and submitted at once (on WebGPU: one command buffer, the loss copy
   * included when this step reads back) without waiting on the device. Every `metricsEvery` steps (or when
   * `read`) the loss and batch accuracy come back through `metrics`. The divergence guard acts on those
   * values: a NaN or infinite loss read for step s rejects `metrics` and every later step with a
   * DivergenceError naming step s, and puts back the weights the last finite loss was computed at: those
   * before step s when they are finite (as if step s had not been taken, the step count back to s - 1),
   * else those of the last step read back finite. The optimizer's state (momenta) is not put back.
   */
  enqueueStep(read = false): StepHandle {
    if (this.failure !== undefined) throw this.failure;
    const { model, optimizer, data, batchSize, backend } = this.opts;
    const rows =
      'batch' in data ? undefined : batchRows(this.step, batchSize, data.length, this.opts.shuffle);
    const [x, y] =
      'batch' in data ? data.batch(this.step, batchSize, backend) : gatherBatch(data, rows ?? [], backend);
    const step = this.step + 1;
    const reads = read || step % this.metricsEvery === 0;
    model.train();
    optimizer.zeroGrad();
    const output = model.forward(x);
    const loss = computeLoss(this.opts.loss, output, y);
    let readout: Tensor | undefined;
    let snapshot: Snapshot | undefined;
    const labels =
      this.opts.loss === 'cross_entropy' && y.dtype === 'int64' && rows !== undefined && !('batch' in data)
        ? data.y instanceof Int32Array
          ? Int32Array.from(rows, (r) => data.y[r] as number)
          : undefined
        : undefined;
    // Before the first step that does not read back: the weights to go back to should it diverge unseen.
    if (!reads && this.lastGood === undefined) this.lastGood = this.snapshot(step);
    if (reads) {
      snapshot = this.snapshot(step);
      // The loss and the logits in one buffer: one copy, one read-back.
      readout = noGrad(() =>
        labels === undefined ? loss.reshape(1) : F.cat([loss.reshape(1), output.detach().reshape(-1)]),
      );
    }
    loss.backward();
    if (this.opts.clipGradNorm !== undefined) clipGradNorm(model.parameters(), this.opts.clipGradNorm);
    optimizer.step();
    this.step = step;
    if (readout === undefined || snapshot === undefined) {
      backend.flush?.();
      return { step };
    }
    const classes = output.shape.at(-1) as number; // (N, C), or (B, T, V) read as (B*T, V)
    return { step, metrics: this.readMetrics(step, readout, snapshot, labels, classes) };
  }

  /** `steps` more steps, each read back; `onStep` sees each record as it completes. */
  async run(steps: number, onStep?: (r: StepRecord) => void): Promise<StepRecord[]> {
    const records: StepRecord[] = [];
    for (let i = 0; i < steps; i++) {
      const r = await this.trainStep();
      records.push(r);
      onStep?.(r);
    }
    return records;
  }

  private snapshot(step: number): Snapshot {
    const { backend } = this.opts;
    const buffers = this.opts.model.parameters().map((p) => {
      const copy = backend.full(p.numel, 0, p.dtype);
      backend.assign(copy, p.buffer);
      return copy;
    });
    return { step, buffers };
  }

  private drop(snapshot: Snapshot | undefined): void {
    if (snapshot !== undefined) for (const b of snapshot.buffers) this.opts.backend.free?.(b);
  }

  private restore(snapshot: Snapshot): void {
    const params = this.opts.model.parameters();
    snapshot.buffers.forEach((b, i) => this.opts.backend.assign((params[i] as Tensor).buffer, b));
    this.step = snapshot.step - 1;
  }

  private async finite(snapshot: Snapshot): Promise<boolean> {
    const params = this.opts.model.parameters();
    for (const [i, b] of snapshot.buffers.entries()) {
      const values = await this.opts.backend.read(b, (params[i] as Tensor).dtype);
      if (!values.every((v) => Number.isFinite(v))) return false;
    }
    return true;
  }

  private async readMetrics(
    step: number,
    readout: Tensor,
    snapshot: Snapshot,
    labels: Int32Array | undefined,
    classes: number,
  ): Promise<StepRecord> {
    let host: ArrayLike<number>;
    try {
      host = await readout.data();
    } catch (e) {
      this.drop(snapshot);
      throw e;
    }
    if (this.failure !== undefined) {
      this.drop(snapshot);
      throw this.failure;
    }
    const value = host[0] as number;
    if (!Number.isFinite(value)) {
      this.failure = new DivergenceError(
        `training diverged: the loss is ${value} at step ${step}; stopped and put back the last finite ` +
          'weights (try a smaller --lr)',
        step,
        value,
      );
      const back = (await this.finite(snapshot)) ? snapshot : this.lastGood;
      if (back !== undefined) this.restore(back);
      this.drop(snapshot === back ? this.lastGood : snapshot);
      this.drop(back);
      this.lastGood = undefined;
      throw this.failure;
    }
    this.drop(this.lastGood);
    this.lastGood = snapshot;
    if (step > this.lastLossStep) {
      this.lastLoss = value;
      this.lastLossStep = step;
    }
    const record: StepRecord = { step, loss: value };
    if (labels !== undefined) record.accuracy = accuracy((host as Float32Array).subarray(1), labels, classes);
    return record;
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
