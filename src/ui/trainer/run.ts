/**
 * What `<pth-trainer>` drives, as plain TypeScript over a Sandbox (no DOM): the setup from attribute values
 * (each bad value reported in words, its default used), Train/Pause/Step/Reset, and a loop that runs a bounded
 * number of steps per frame (and at most a small time budget), so the page stays responsive. The element only
 * shows what this reports through `onStep` and `onRefresh`.
 */
import { type DataSource, Sandbox, type Evaluation, syntheticSource } from '../../train/sandbox.ts';
import { type Backend, selectBackend } from '../../tensor/index.ts';
import type { StepRecord } from '../../train/index.ts';
import { type Setup, parseSetup } from '../../train/setup.ts';

/** The attributes that name a setup; missing ones take the sandbox's defaults. */
export const setupAttributes = ['dataset', 'preset', 'optim', 'lr', 'seed'] as const;
export type SetupAttributes = Partial<Record<(typeof setupAttributes)[number], string | null | undefined>>;

/** The setup the attributes name, and one sentence per value that was ignored. */
export function setupFromAttributes(attrs: SetupAttributes): { setup: Setup; problems: string[] } {
  const query = new URLSearchParams();
  for (const key of setupAttributes) {
    const value = attrs[key];
    if (value !== null && value !== undefined) query.set(key, value);
  }
  const parsed = parseSetup(query);
  if (parsed.setup.dataset === 'mnist') {
    parsed.problems.push('dataset=mnist needs the sandbox page (it loads the digits); using spirals');
    parsed.setup.dataset = 'spirals';
  }
  return parsed;
}

let autoBackend: Promise<Backend> | undefined;
/** WebGPU where there is a hardware adapter, else the CPU backend; chosen once per page, like the app. */
export function pageBackend(): Promise<Backend> {
  autoBackend ??= selectBackend('auto').then((s) => s.backend);
  return autoBackend;
}

export interface TrainerRunOptions {
  /** Steps per frame at most (default 20). */
  stepsPerFrame?: number;
  /** Training work per frame in milliseconds at most, after the first step (default 12). */
  frameBudgetMs?: number;
  /** Re-evaluate on the held-out rows every this many steps (default 20). */
  refreshEvery?: number;
  /** Waits for the next frame (default requestAnimationFrame). */
  nextFrame?: () => Promise<unknown>;
  onStep?: (record: StepRecord) => void;
  onRefresh?: (evaluation: Evaluation) => void | Promise<void>;
  onRunning?: (running: boolean) => void;
  onError?: (message: string) => void;
}

export class TrainerRun {
  private runningNow = false;
  private refreshDue = false;
  private busy: Promise<unknown> = Promise.resolve();

  private constructor(
    private current: Sandbox,
    private readonly opts: TrainerRunOptions,
  ) {}

  /** What trains: the setup's sandbox, or one a loaded checkpoint resumed (`adopt`). */
  get sandbox(): Sandbox {
    return this.current;
  }

  static async create(
    setup: Setup,
    opts: TrainerRunOptions = {},
    source: DataSource = syntheticSource,
    backend?: Backend,
  ): Promise<TrainerRun> {
    return new TrainerRun(await Sandbox.create(setup, source, backend ?? (await pageBackend())), opts);
  }

  get running(): boolean {
    return this.runningNow;
  }

  get step(): number {
    return this.sandbox.step;
  }

  /** Starts the loop (no-op when running); resolves when it stops. */
  train(): Promise<void> {
    if (this.runningNow) return this.busy.then(() => undefined);
    this.setRunning(true);
    return this.serial(() => this.loop());
  }

  pause(): void {
    this.setRunning(false);
  }

  /** One step, then a held-out refresh. */
  stepOnce(): Promise<void> {
    return this.serial(async () => {
      if (this.runningNow) return;
      if (!(await this.steps(1, Infinity))) return;
      this.refreshDue = false;
      await this.refresh();
    });
  }

  /** Fresh weights and optimizer from the seed. */
  reset(): Promise<void> {
    this.pause();
    return this.serial(async () => {
      this.sandbox.reset();
      await this.refresh();
    });
  }

  /**
   * Makes `next` the run's sandbox: one built and loaded beside the current one (a general checkpoint
   * resumed with its own optimizer, src/train/resume.ts), so that a file that fails leaves this run as it was.
   */
  adopt(next: Sandbox): Promise<void> {
    this.pause();
    return this.serial(async () => {
      this.current = next;
      await this.refresh();
    });
  }

  /** Held-out loss and accuracy, passed to onRefresh. */
  async refresh(): Promise<Evaluation> {
    const evaluation = await this.sandbox.evaluate();
    await this.opts.onRefresh?.(evaluation);
    return evaluation;
  }

  private setRunning(on: boolean): void {
    if (this.runningNow === on) return;
    this.runningNow = on;
    this.opts.onRunning?.(on);
  }

  /** Runs tasks one after another, so Step, Reset and the loop never interleave. */
  private serial(task: () => Promise<void>): Promise<void> {
    const next = this.busy.then(task);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private async loop(): Promise<void> {
    const nextFrame = this.opts.nextFrame ?? (() => new Promise((r) => requestAnimationFrame(r)));
    const perFrame = this.opts.stepsPerFrame ?? 20;
    const budget = this.opts.frameBudgetMs ?? 12;
    while (this.runningNow) {
      if (!(await this.steps(perFrame, budget))) break;
      if (this.refreshDue) {
        this.refreshDue = false;
        await this.refresh();
      }
      await nextFrame();
    }
    this.setRunning(false);
  }

  /** Up to `count` steps within `budgetMs`, stopping at a refresh boundary; false after an error. */
  private async steps(count: number, budgetMs: number): Promise<boolean> {
    const start = performance.now();
    const every = this.opts.refreshEvery ?? 20;
    try {
      for (let i = 1; i <= count; i++) {
        const r = await this.sandbox.trainStep();
        this.opts.onStep?.(r);
        if (r.step % every === 0) this.refreshDue = true;
        if (this.refreshDue || performance.now() - start >= budgetMs) break;
      }
      return true;
    } catch (e) {
      this.setRunning(false);
      this.opts.onError?.(e instanceof Error ? e.message : String(e));
      return false;
    }
  }
}
