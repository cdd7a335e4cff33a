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
import type { StepHandle, StepRecord } from './trainer.ts';

/** What the controller trains: a Sandbox, or for the CLI a bare Trainer. */
export interface RunTarget {
  readonly step: number;
  trainStep(): Promise<StepRecord>;
  /**
   * One step submitted without waiting on the device, its metrics to come every k steps (the Trainer's):
   * the running loop uses it where there is one, so no step waits on a read-back.
   */
  enqueueStep?(): StepHandle;
  /** Held-out loss and accuracy (the sandbox's); without it there are no metrics. */
  evaluate?(): Promise<Evaluation>;
  /** Fresh weights and optimizer (the sandbox's). */
  reset?(): void;
}

/** Work due every `every` steps (an autosave), run in a frame of its own after the step that made it due. */
export interface PeriodicTask {
  every: number;
  /** While training, at most once in this many milliseconds (heavy redraws); default no limit. */
  minIntervalMs?: number;
  run(): Promise<void>;
}

export interface RunControllerOptions {
  /** Training work per frame in milliseconds, after the first step (default 12). */
  frameBudgetMs?: number;
  /** Steps per frame at most (default: as many as the budget allows). */
  stepsPerFrame?: number;
  /** Evaluate on the held-out rows every this many steps (default 20). */
  metricsEvery?: number;
  /** While training, evaluate at most once in this many milliseconds (default no limit). */
  metricsMinIntervalMs?: number;
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
  /** Records of enqueued steps read back since the last onSlice. */
  private readonly arrived: StepRecord[] = [];
  /** Read-backs of enqueued steps not yet resolved, oldest first. */
  private readonly inFlight: Promise<unknown>[] = [];
  /** The last error reported to onError (a divergence seen by a read-back and by the next step). */
  private reported: unknown;
  /** When each kind of periodic work last ran (performance.now()), for minIntervalMs. */
  private readonly lastRun = new Map<PeriodicTask | 'metrics', number>();

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
    this.failed = false;
    this.setRunning(true);
    return this.serial(() => this.loop());
  }

  pause(): void {
    this.setRunning(false);
  }

  /** Resolves once nothing runs: the loop stopped (after a pause) and any Step, Reset or adopt done. */
  idle(): Promise<void> {
    return this.busy.then(() => undefined);
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
      this.deliver();
      await nextFrame();
    }
    this.setRunning(false);
    await Promise.all(this.inFlight);
    this.deliver();
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
        if (loop && this.current.enqueueStep !== undefined) {
          // At most two read-backs outstanding: the loop never runs far ahead of the device.
          if (this.inFlight.length >= 2) await this.inFlight[0];
          if (this.failed) return undefined;
          this.enqueueOne(this.current.enqueueStep.bind(this.current));
        } else records.push(await this.oneStep());
        if (this.due.size > 0 || performance.now() - start >= budgetMs || (loop && !this.runningNow)) break;
      }
      return records;
    } catch (e) {
      this.fail(e);
      return undefined;
    } finally {
      if (records.length > 0) this.opts.onSlice?.(records);
    }
  }

  private failed = false;

  /** The records read back since the last frame, in one onSlice (one chart update per frame). */
  private deliver(): void {
    if (this.arrived.length > 0) this.opts.onSlice?.(this.arrived.splice(0));
  }

  private fail(e: unknown): void {
    this.failed = true;
    this.setRunning(false);
    if (this.reported === e) return;
    this.reported = e;
    this.opts.onError?.(e);
  }

  /**
   * A step submitted without waiting: the periodic work it makes due is marked at once; its record, every
   * k steps, reaches onStep and onSlice when its read-back resolves; a divergence it reveals stops the run.
   */
  private enqueueOne(enqueue: () => StepHandle): void {
    for (const apply of this.pending.splice(0)) apply(this.current);
    this.inStep = true;
    let handle: StepHandle;
    try {
      handle = enqueue();
    } finally {
      this.inStep = false;
      for (const apply of this.pending.splice(0)) apply(this.current);
    }
    this.markStep(handle.step);
    const { metrics } = handle;
    if (metrics === undefined) return;
    const done = metrics.then(
      (record) => {
        this.opts.onStep?.(record);
        this.arrived.push(record);
      },
      (e: unknown) => this.fail(e),
    );
    this.inFlight.push(done);
    void done.finally(() => this.inFlight.splice(this.inFlight.indexOf(done), 1));
  }

  private markStep(step: number): void {
    const every = this.opts.metricsEvery ?? 20;
    if (this.current.evaluate !== undefined && step % every === 0)
      this.markDue('metrics', this.opts.metricsMinIntervalMs);
    for (const task of this.opts.tasks ?? [])
      if (step % task.every === 0) this.markDue(task, task.minIntervalMs);
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
    this.markStep(record.step);
    return record;
  }

  /** Due now, unless (while training) it ran less than `minIntervalMs` ago. */
  private markDue(work: PeriodicTask | 'metrics', minIntervalMs = 0): void {
    const last = this.lastRun.get(work);
    if (this.runningNow && last !== undefined && performance.now() - last < minIntervalMs) return;
    this.due.add(work);
  }

  /** Runs one piece of due work; true when there was one. */
  private async runDue(): Promise<boolean> {
    const [first] = this.due;
    if (first === undefined) return false;
    await Promise.all(this.inFlight);
    this.due.delete(first);
    this.lastRun.set(first, performance.now());
    if (first === 'metrics') await this.refresh();
    else await first.run();
    return true;
  }
}

function defaultNextFrame(): Promise<unknown> {
  if (typeof requestAnimationFrame === 'function') return new Promise((r) => requestAnimationFrame(r));
  return new Promise((r) => setTimeout(r, 0));
}
