/**
 * The sandbox's state, as plain TypeScript over src/train (no DOM): a Setup (from the URL) becomes a dataset
 * split into training and held-out rows, a model from a preset, an optimizer and a Trainer. The page calls
 * `step()`, `evaluate()`, `reset()`; the components read what it exposes.
 */
import { type Module, type ModuleSpec, buildModule } from '../nn/index.ts';
import { type AnyOptimizer, createOptimizer, setHyperparameters } from '../optim/index.ts';
import { type Backend, Generator, cpu, fromHost, noGrad } from '../tensor/index.ts';
import { ArchitectureError } from './errors.ts';
import {
  type CheckpointParts,
  type LossName,
  ShuffleOrder,
  type StepHandle,
  type StepRecord,
  Trainer,
  computeLoss,
} from './index.ts';
import { type TabularData, makeSynthetic, splitHoldout, toTrainDataset } from './datasets/index.ts';
import { presetSpec } from './presets.ts';
import type { Setup } from './setup.ts';

/** Loads the data a setup names (MNIST is fetched; the toy sets are generated). */
export type DataSource = (setup: Setup) => Promise<TabularData>;

export const syntheticSource: DataSource = async (setup) => {
  if (setup.dataset === 'mnist') throw new Error('this page has no MNIST source');
  if (setup.dataset === 'csv')
    throw new Error('dataset=csv needs the CSV file itself (the sandbox page keeps it)');
  if (setup.dataset === 'text') throw new Error('dataset=text is trained by a TextSandbox (text-sandbox.ts)');
  return makeSynthetic(setup.dataset, { n: setup.n, noise: setup.noise, seed: setup.seed });
};

export interface Evaluation {
  loss: number;
  accuracy: number | undefined;
}

/** The settings that change while training: the optimizer's at its next step, the batch size at the next batch. */
export type LiveSettings = Partial<Pick<Setup, 'lr' | 'wd' | 'batch'>>;

export class Sandbox {
  /** The setup in effect: live changes (`applyLive`) update lr, wd and batch here. */
  setup: Setup;
  readonly data: TabularData;
  readonly train: TabularData;
  readonly heldOut: TabularData;
  readonly spec: ModuleSpec;
  readonly lossName: LossName;
  model: Module;
  optimizer: AnyOptimizer;
  trainer: Trainer;

  private constructor(
    setup: Setup,
    data: TabularData,
    readonly backend: Backend,
  ) {
    this.setup = setup;
    this.data = data;
    const split = splitHoldout(data, 0.2, setup.seed);
    this.train = split.train;
    this.heldOut = split.heldOut;
    this.lossName = data.kind === 'classification' ? 'cross_entropy' : 'mse';
    const outputs = data.kind === 'classification' ? (data.classes ?? 2) : 1;
    this.spec =
      setup.arch ??
      presetSpec(setup.preset, {
        features: data.features,
        outputs,
        ...(data.imageShape === undefined ? {} : { imageShape: data.imageShape }),
      });
    if (setup.arch !== undefined) this.checkFits(outputs);
    this.model = buildModule(this.spec, { backend, generator: new Generator(setup.seed) });
    this.optimizer = this.makeOptimizer();
    this.trainer = this.makeTrainer(0);
  }

  static async create(
    setup: Setup,
    source: DataSource = syntheticSource,
    backend: Backend = cpu,
  ): Promise<Sandbox> {
    return new Sandbox(setup, await source(setup), backend);
  }

  /**
   * An architecture of the person's own must take this data's rows and give one output per class: a forward
   * pass of one zero row on the CPU says whether it does, with the layer's own error when it does not.
   */
  private checkFits(outputs: number): void {
    const rows = this.inputShape.slice(1).join(', ');
    let shape: readonly number[];
    try {
      const probe = buildModule(this.spec).eval();
      const zero = fromHost(new Float32Array(this.inputShape.reduce((a, b) => a * b)), this.inputShape);
      shape = noGrad(() => probe.forward(zero)).shape;
    } catch (e) {
      const why = (e as Error).message;
      throw new ArchitectureError(
        `the architecture does not fit ${this.setup.dataset}'s rows (${rows}): ${why}`,
      );
    }
    if (shape.length !== 2 || shape[1] !== outputs)
      throw new ArchitectureError(
        `the architecture gives outputs of shape (${shape.join(', ')}); ${this.setup.dataset} needs (1, ${outputs})`,
      );
  }

  /** The input shape the summary shows: (1, features) or (1, c, h, w). */
  get inputShape(): number[] {
    return this.data.imageShape === undefined ? [1, this.data.features] : [1, ...this.data.imageShape];
  }

  get step(): number {
    return this.trainer.step;
  }

  private makeOptimizer(): AnyOptimizer {
    const { optim, lr, wd: weightDecay } = this.setup;
    // The sandbox's SGD has momentum 0.9 (torch's default, 0, trains the toy sets too slowly to watch).
    return createOptimizer(optim, this.model.parameters(), {
      lr,
      weightDecay,
      ...(optim === 'sgd' ? { momentum: 0.9 } : {}),
    });
  }

  /**
   * Learning rate, weight decay and batch size changed while training: the optimizer keeps its state and
   * takes the new values at its next step (a checkpoint saved after carries them); a new batch size takes
   * effect from the next batch, the step count going on. Throws RangeError (nothing changed) for a bad value.
   */
  applyLive(change: LiveSettings): void {
    const next = { ...this.setup, ...change };
    if (change.batch !== undefined && !(Number.isSafeInteger(change.batch) && change.batch >= 1))
      throw new RangeError(`batch size must be a whole number >= 1, got ${change.batch}`);
    setHyperparameters(this.optimizer, { lr: next.lr, weightDecay: next.wd });
    this.setup = next;
    if (change.batch !== undefined) {
      const lastLoss = this.trainer.lastLoss;
      this.trainer = this.makeTrainer(this.trainer.step);
      this.trainer.lastLoss = lastLoss;
    }
  }

  private makeTrainer(startStep: number): Trainer {
    const data = toTrainDataset(this.train);
    return new Trainer({
      model: this.model,
      optimizer: this.optimizer,
      data,
      batchSize: Math.min(this.setup.batch, this.train.n),
      loss: this.lossName,
      backend: this.backend,
      startStep,
      shuffle: new ShuffleOrder(this.setup.seed, data.length),
      // On WebGPU the loss comes back every 5 steps (a read-back waits on the device); on the CPU every step.
      metricsEvery: this.backend.name === 'webgpu' ? 5 : 1,
    });
  }

  /** One optimizer step (throws DivergenceError on a NaN or infinite loss, weights untouched). */
  trainStep(): Promise<StepRecord> {
    return this.trainer.trainStep();
  }

  /** One optimizer step submitted without waiting; its metrics every k steps (Trainer.enqueueStep). */
  enqueueStep(): StepHandle {
    return this.trainer.enqueueStep();
  }

  /** Fresh weights and optimizer from the seed. */
  reset(): void {
    this.model = buildModule(this.spec, { backend: this.backend, generator: new Generator(this.setup.seed) });
    this.optimizer = this.makeOptimizer();
    this.trainer = this.makeTrainer(0);
  }

  /** After weights were loaded from a file: continue from `step` with a fresh optimizer state. */
  continueFrom(step: number): void {
    this.trainer = this.makeTrainer(step);
  }

  /** Loss (and accuracy) on the held-out rows, in eval mode without autograd. */
  async evaluate(): Promise<Evaluation> {
    const d = toTrainDataset(this.heldOut);
    const m = this.model;
    const training = m.training;
    m.eval();
    try {
      const x = fromHost(d.x, d.xShape, { backend: this.backend });
      const y = fromHost(d.y, d.yShape, { backend: this.backend });
      const { loss, output } = noGrad(() => {
        const output = m.forward(x);
        return { loss: computeLoss(this.lossName, output, y), output };
      });
      const value = (await loss.data())[0] as number;
      if (this.lossName !== 'cross_entropy') return { loss: value, accuracy: undefined };
      const logits = await output.data();
      const classes = output.shape[1] as number;
      let correct = 0;
      for (let r = 0; r < this.heldOut.n; r++) {
        let best = 0;
        for (let c = 1; c < classes; c++)
          if ((logits[r * classes + c] as number) > (logits[r * classes + best] as number)) best = c;
        if (best === this.heldOut.y[r]) correct++;
      }
      return { loss: value, accuracy: correct / this.heldOut.n };
    } finally {
      m.train(training);
    }
  }

  /**
   * The model's outputs for `rows` inputs `x` ((rows, features) row-major), in eval mode without autograd:
   * what a test compares with PyTorch, and what a page can show for points of its own.
   */
  async logits(x: Float32Array, rows: number): Promise<Float32Array> {
    const m = this.model;
    const training = m.training;
    m.eval();
    try {
      const input = fromHost(x, [rows, ...this.inputShape.slice(1)], { backend: this.backend });
      const output = noGrad(() => m.forward(input)); // (rows, outputs)
      return Float32Array.from(await output.data());
    } finally {
      m.train(training);
    }
  }

  checkpointParts(): CheckpointParts {
    return {
      model: this.model,
      optimizer: this.optimizer,
      step: this.trainer.step,
      epoch: this.trainer.epoch,
      loss: this.trainer.lastLoss,
      arch: this.spec,
      run: {
        optimizer: this.setup.optim,
        lossFn: this.lossName,
        batchSize: Math.min(this.setup.batch, this.train.n),
        seed: this.setup.seed,
        shuffle: true,
        data: {
          dataset: this.setup.dataset,
          n: this.setup.n,
          noise: this.setup.noise,
          seed: this.setup.seed,
        },
      },
    };
  }
}
