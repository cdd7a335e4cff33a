/**
 * What `<pth-trainer>` drives, as plain TypeScript over a Sandbox (no DOM): the setup from attribute values
 * (each bad value reported in words, its default used), and the one run controller (src/train/controller.ts)
 * over its Sandbox: Train/Pause/Step/Reset, a bounded number of steps per frame within a small time budget.
 * The element only shows what this reports through `onStep` and `onRefresh`.
 */
import { RunController } from '../../train/controller.ts';
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

/** The run controller of src/train/controller.ts over the setup's Sandbox, with the element's callbacks. */
export class TrainerRun extends RunController<Sandbox> {
  /** What trains: the setup's sandbox, or one a loaded checkpoint resumed (`adopt`). */
  get sandbox(): Sandbox {
    return this.target;
  }

  static async create(
    setup: Setup,
    opts: TrainerRunOptions = {},
    source: DataSource = syntheticSource,
    backend?: Backend,
  ): Promise<TrainerRun> {
    const sandbox = await Sandbox.create(setup, source, backend ?? (await pageBackend()));
    return new TrainerRun(sandbox, {
      stepsPerFrame: opts.stepsPerFrame ?? 20,
      frameBudgetMs: opts.frameBudgetMs ?? 12,
      metricsEvery: opts.refreshEvery ?? 20,
      ...(opts.nextFrame === undefined ? {} : { nextFrame: opts.nextFrame }),
      ...(opts.onStep === undefined ? {} : { onStep: opts.onStep }),
      ...(opts.onRefresh === undefined ? {} : { onMetrics: opts.onRefresh }),
      ...(opts.onRunning === undefined ? {} : { onRunning: opts.onRunning }),
      onError: (e) => opts.onError?.(e instanceof Error ? e.message : String(e)),
    });
  }

  /** Starts the loop (no-op when running); resolves when it stops. */
  train(): Promise<void> {
    return this.start();
  }
}
