/**
 * How the sandbox page trains its Sandbox: `PageRun`, one interface over two ways. Where there are Web Workers,
 * a WorkerRun (worker-run.ts): the steps run in a worker and the page's sandbox is a view of them, its weights
 * replaced a few times a second and its whole state (optimizer included) brought up to date at every stop
 * and before every save. Elsewhere, an InThreadRun: the RunController time-slices steps on the page's thread
 * (12 ms a frame, at least one step), as the page did before the worker.
 */
import { saveTorchZip } from '../checkpoint/index.ts';
import { RunController } from '../train/controller.ts';
import { DivergenceError, buildGeneralCheckpoint } from '../train/index.ts';
import type { Evaluation, LiveSettings, Sandbox } from '../train/sandbox.ts';
import type { StepRecord } from '../train/trainer.ts';
import { modulePredict } from '../ui/decision-map/module-predict.ts';
import { WorkerRun } from './worker-run.ts';

/** A general checkpoint for the autosave. */
export interface AutosaveFile {
  bytes: Uint8Array;
  step: number;
  loss: number;
}

/** What the page hears from its run. */
export interface RunEvents {
  /** Steps done (their train losses); the sandbox's step is theirs. */
  onSlice(records: StepRecord[]): void;
  /** Held-out metrics of the model at `step`, every 20 steps while training. */
  onMetrics(evaluation: Evaluation, step: number): void | Promise<void>;
  /** New weights while training: the pictures may redraw (at most twice a second). */
  onViews(): Promise<void>;
  /** Every 100 steps while training. */
  onAutosave(file: AutosaveFile): Promise<void>;
  onRunning(running: boolean): void;
  onError(error: unknown): void;
}

export interface PageRun {
  readonly running: boolean;
  /** Starts training; resolves when it has stopped and the sandbox holds the state it stopped at. */
  start(): Promise<void>;
  /** Stops after the step in flight; resolves when the sandbox holds the state it stopped at. */
  pause(): Promise<void>;
  /** One step, then its metrics (onMetrics). */
  stepOnce(): Promise<void>;
  /** Fresh weights and optimizer from the seed (the sandbox's `reset`), trained from there. */
  reset(): Promise<void>;
  /** Learning rate, weight decay or batch size, taken at the next step with the optimizer's state kept. */
  live(change: LiveSettings): void;
  /** Weights were loaded into the sandbox's model (a state_dict file): training goes on from them. */
  weightsLoaded(): void;
  /** Brings the sandbox up to the training's state now (before a save while training). */
  sync(): Promise<void>;
  /** Held-out metrics of the sandbox's state now (the last ones while training). */
  evaluate(): Promise<Evaluation>;
  /**
   * The model's outputs for `rows` inputs of `features` each, in eval mode (the decision map, the fitted
   * curve): while training, the training's model now, without the page's thread running the forward pass.
   */
  predict(inputs: Float32Array, rows: number, features: number): Promise<ArrayLike<number>>;
  /** Stops for good (the sandbox was replaced). */
  dispose(): void;
}

/** A run for `sandbox`: in a worker where there are workers, else in this thread. */
export function createRun(sandbox: Sandbox, device: 'cpu' | 'webgpu', events: RunEvents): PageRun {
  return typeof Worker === 'undefined'
    ? new InThreadRun(sandbox, events)
    : new WorkerRun(sandbox, device, events);
}

/** The general checkpoint the autosave keeps, or undefined (no step yet, or a diverged model). */
export async function autosaveFile(sandbox: Sandbox): Promise<AutosaveFile | undefined> {
  const loss = sandbox.trainer.lastLoss;
  if (loss === null) return undefined;
  try {
    const bytes = saveTorchZip(await buildGeneralCheckpoint(sandbox.checkpointParts()));
    return { bytes, step: sandbox.step, loss };
  } catch (e) {
    // A diverged model is refused by buildGeneralCheckpoint: the last good save stays.
    if (e instanceof DivergenceError) return undefined;
    throw e;
  }
}

/**
 * Training on the page's thread: as many steps per animation frame as fit 12 ms (at least one), the held-out
 * refresh, the pictures and the autosave each in a frame of their own.
 */
export class InThreadRun implements PageRun {
  private readonly controller: RunController<Sandbox>;
  private last: Evaluation | undefined;

  constructor(
    private readonly sandbox: Sandbox,
    events: RunEvents,
  ) {
    this.controller = new RunController(sandbox, {
      frameBudgetMs: 12,
      metricsEvery: 20,
      // Held-out metrics at most 5 times a second, the heavier pictures about twice: frames stay short.
      metricsMinIntervalMs: 200,
      tasks: [
        { every: 20, minIntervalMs: 500, run: () => events.onViews() },
        {
          every: 100,
          run: async () => {
            const file = await autosaveFile(sandbox);
            if (file !== undefined) await events.onAutosave(file);
          },
        },
      ],
      onSlice: (records) => events.onSlice(records),
      onMetrics: (evaluation, step) => {
        this.last = evaluation;
        return events.onMetrics(evaluation, step);
      },
      onRunning: (on) => events.onRunning(on),
      onError: (e) => events.onError(e),
    });
  }

  get running(): boolean {
    return this.controller.running;
  }

  start(): Promise<void> {
    return this.controller.start();
  }

  pause(): Promise<void> {
    this.controller.pause();
    return Promise.resolve();
  }

  stepOnce(): Promise<void> {
    return this.controller.stepOnce();
  }

  reset(): Promise<void> {
    return this.controller.reset();
  }

  live(change: LiveSettings): void {
    this.controller.change((s) => s.applyLive(change));
  }

  weightsLoaded(): void {}

  sync(): Promise<void> {
    return Promise.resolve();
  }

  async evaluate(): Promise<Evaluation> {
    if (this.running && this.last !== undefined) return this.last;
    return (this.last = await this.sandbox.evaluate());
  }

  predict(inputs: Float32Array, rows: number, features: number): Promise<ArrayLike<number>> {
    return modulePredict(() => this.sandbox.model, this.sandbox.backend, features)(inputs, rows);
  }

  dispose(): void {
    this.controller.pause();
  }
}
