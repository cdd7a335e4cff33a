/**
 * RunController: the one training loop every front end drives (the sandbox page, `<pth-trainer>`,
 * `pthlab train`). It owns start, pause, one step, reset and adopt; it time-slices steps (as many as fit a
 * frame budget, then yields a frame, so a page never blocks), runs the held-out evaluation and other periodic
 * work (autosave) every k steps, each in a frame of its own, and applies live changes (a new learning rate,
 * batch size, weight decay) between steps, so the step in flight finishes with the values it started with and
 * the next one uses the new ones, with the optimizer's state kept.
 * Plain TypeScript: no DOM (the page passes requestAnimationFrame as `nextFrame`).
 */
import type { Evaluation } from './sandbox.ts';
import type { StepRecord } from './trainer.ts';

/** What the controller trains: a Sandbox, or for the CLI a bare Trainer. */
export interface RunTarget {
  readonly step: number;
  trainStep(): Promise<StepRecord>;
  /** Held-out loss and accuracy (the sandbox's); without it there are no metrics. */
  evaluate?(): Promise<Evaluation>;
  /** Fresh weights and optimizer (the sandbox's). */
  reset?(): void;
}

/** Work due every `every` steps (an autosave), run in a frame of its own after the step that made it due. */
export interface PeriodicTask {
  every: number;
  run(): Promise<void>;
}

export interface RunControllerOptions {
  /** Training work per frame in milliseconds, after the first step (default 12). */
  frameBudgetMs?: number;
  /** Steps per frame at most (default: as many as the budget allows). */
  stepsPerFrame?: number;
  /** Evaluate on the held-out rows every this many steps (default 20). */
  metricsEvery?: number;
  tasks?: readonly PeriodicTask[];
  /** Waits for the next frame (default: requestAnimationFrame where there is one, else a macrotask). */
  nextFrame?: () => Promise<unknown>;
  /** Each step's record, as it completes. */
  onStep?: (record: StepRecord) => void;
  /** The records of one frame's slice, once per frame (one chart update however many steps ran). */
  onSlice?: (records: StepRecord[]) => void;
  onMetrics?: (evaluation: Evaluation, step: number) => void | Promise<void>;
  onRunning?: (running: boolean) => void;
  /** A step failed (a DivergenceError, say): the run has stopped. */
  onError?: (error: unknown) => void;
}

export class RunController<T extends RunTarget = RunTarget> {
  private runningNow = false;
  private busy: Promise<unknown> = Promise.resolve();
  private readonly pending: ((target: T) => void)[] = [];
  private readonly due = new Set<PeriodicTask | 'metrics'>();
  private inStep = false;

  constructor(
    private current: T,
    private readonly opts: RunControllerOptions = {},
  ) {}

  /** What trains now: the first target, or the last one adopted. */
  get target(): T {
    return this.current;
  }

  get running(): boolean {
    return this.runningNow;
  }

  get step(): number {
    return this.current.step;
  }

  /** Starts the loop (no-op when running); resolves when it stops. */
  start(): Promise<void> {
    if (this.runningNow) return this.busy.then(() => undefined);
    this.setRunning(true);
    return this.serial(() => this.loop());
  }

  pause(): void {
    this.setRunning(false);
  }

  /** One step, then the metrics and whatever else that step made due. */
  stepOnce(): Promise<void> {
    return this.serial(async () => {
      if (this.runningNow) return;
      if ((await this.slice(1, Infinity, false)) === undefined) return;
      this.due.add('metrics');
      while (await this.runDue());
    });
  }

  /** `count` steps back to back without yielding frames or evaluating (the CLI); throws on a failed step. */
  async runSteps(count: number): Promise<StepRecord[]> {
    const records: StepRecord[] = [];
    await this.serial(async () => {
      for (let i = 0; i < count; i++) records.push(await this.oneStep());
    });
    return records;
  }

  /**
   * A change to the target (its learning rate, batch size, ...), applied before the next step: at once when
   * no step is in flight, else when the current one is done. The optimizer is the same object, so its state
   * is kept.
   */
  change(apply: (target: T) => void): void {
    if (this.inStep) this.pending.push(apply);
    else apply(this.current);
  }

  /** Fresh weights and optimizer, then the metrics. */
  reset(): Promise<void> {
    this.pause();
    return this.serial(async () => {
      this.current.reset?.();
      this.due.clear();
      await this.refresh();
    });
  }

  /** Makes `next` the target (a checkpoint resumed in a sandbox built beside the current one). */
  adopt(next: T): Promise<void> {
    this.pause();
    return this.serial(async () => {
      this.current = next;
      this.due.clear();
      await this.refresh();
    });
  }

  /** Held-out metrics now, passed to onMetrics. */
  async refresh(): Promise<Evaluation | undefined> {
    const evaluation = await this.current.evaluate?.();
    if (evaluation !== undefined) await this.opts.onMetrics?.(evaluation, this.current.step);
    return evaluation;
  }

  /** Runs tasks one after another, so Step, Reset, adopt and the loop never interleave. */
  private serial(task: () => Promise<void>): Promise<void> {
    const next = this.busy.then(task);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private setRunning(on: boolean): void {
    if (this.runningNow === on) return;
    this.runningNow = on;
    this.opts.onRunning?.(on);
  }

  private async loop(): Promise<void> {
    const nextFrame = this.opts.nextFrame ?? defaultNextFrame;
    const perFrame = this.opts.stepsPerFrame ?? Infinity;
    const budget = this.opts.frameBudgetMs ?? 12;
    while (this.runningNow) {
      // A frame does either periodic work (metrics, an autosave) or a slice of steps, never both.
      if (!(await this.runDue()) && (await this.slice(perFrame, budget, true)) === undefined) break;
      await nextFrame();
    }
    this.setRunning(false);
  }

  /**
   * Up to `count` steps within `budgetMs`, stopping at a step that made work due (and, for the loop, at a
   * pause: no step starts after it); undefined after an error.
   */
  private async slice(count: number, budgetMs: number, loop: boolean): Promise<StepRecord[] | undefined> {
    const start = performance.now();
    const records: StepRecord[] = [];
    try {
      for (let i = 0; i < count; i++) {
        records.push(await this.oneStep());
        if (this.due.size > 0 || performance.now() - start >= budgetMs || (loop && !this.runningNow)) break;
      }
      return records;
    } catch (e) {
      this.setRunning(false);
      this.opts.onError?.(e);
      return undefined;
    } finally {
      if (records.length > 0) this.opts.onSlice?.(records);
    }
  }

  private async oneStep(): Promise<StepRecord> {
    for (const apply of this.pending.splice(0)) apply(this.current);
    this.inStep = true;
    let record: StepRecord;
    try {
      record = await this.current.trainStep();
    } finally {
      this.inStep = false;
      for (const apply of this.pending.splice(0)) apply(this.current);
    }
    this.opts.onStep?.(record);
    const every = this.opts.metricsEvery ?? 20;
    if (this.current.evaluate !== undefined && record.step % every === 0) this.due.add('metrics');
    for (const task of this.opts.tasks ?? []) if (record.step % task.every === 0) this.due.add(task);
    return record;
  }

  /** Runs one piece of due work; true when there was one. */
  private async runDue(): Promise<boolean> {
    const [first] = this.due;
    if (first === undefined) return false;
    this.due.delete(first);
    if (first === 'metrics') await this.refresh();
    else await first.run();
    return true;
  }
}

function defaultNextFrame(): Promise<unknown> {
  if (typeof requestAnimationFrame === 'function') return new Promise((r) => requestAnimationFrame(r));
  return new Promise((r) => setTimeout(r, 0));
}
