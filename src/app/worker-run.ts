/**
 * WorkerRun: the sandbox page's training in a Web Worker (run-worker.ts), seen through the page's Sandbox.
 * The worker builds a sandbox of the same setup over the page's data and takes the page's state (weights,
 * optimizer, step), so it trains exactly what the page would have. While it trains, the page's sandbox
 * follows it: its step and last loss with every slice, its weights a few times a second (the pictures read
 * them), the held-out metrics as the worker computes them. At every stop, after a single step and before a
 * save, the page's sandbox takes the worker's whole state, optimizer included; a change made on the page (a
 * live setting, weights loaded from a file) goes to the worker, which takes it at its next step.
 */
import { DivergenceError } from '../train/index.ts';
import type { Evaluation, LiveSettings, Sandbox } from '../train/sandbox.ts';
import {
  type RunState,
  adoptRunState,
  adoptWeights,
  encodeRunState,
  encodeWeights,
} from '../train/sandbox-state.ts';
import type { StepRecord } from '../train/trainer.ts';
import { modulePredict } from '../ui/decision-map/module-predict.ts';
import type { PageRun, RunEvents } from './page-run.ts';
import type { FromWorker, ToWorker } from './run-protocol.ts';

/** The pictures redraw at most this often while training, in milliseconds. */
const viewsEveryMs = 500;
/**
 * The chart and the numbers take the new steps at most this often: a fast preset runs thousands of steps a
 * second, and the chart redraws all its points at each update.
 */
const recordsEveryMs = 100;

let generations = 0;

export class WorkerRun implements PageRun {
  private readonly worker: Worker;
  /** This run's sandbox in the worker; a reset makes a new one. */
  private gen = 0;
  private runningNow = false;
  /** Resolves the promise of start() and of any pause() when the worker reports its stop. */
  private stopped: (() => void)[] = [];
  private readonly replies = new Map<
    number,
    { resolve: (state: RunState) => void; reject: (e: unknown) => void }
  >();
  private readonly predictions = new Map<
    number,
    { resolve: (output: Float32Array) => void; reject: (e: unknown) => void }
  >();
  private nextId = 0;
  private last: Evaluation | undefined;
  private lastViews = -Infinity;
  private drawing = false;
  /** Records come with every slice of the worker; the page hears them at most every recordsEveryMs. */
  private arrived: StepRecord[] = [];
  private deliveryPending = false;
  private lastDelivery = -Infinity;
  /** What is sent goes in this order, each after the one before (a load's state is encoded first). */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly sandbox: Sandbox,
    private readonly device: 'cpu' | 'webgpu',
    private readonly events: RunEvents,
  ) {
    this.worker = new Worker(new URL('./run-worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => this.fail(new Error(event.message));
    this.load();
  }

  get running(): boolean {
    return this.runningNow;
  }

  /** The page's sandbox, state and all, becomes the worker's (a new generation). */
  private load(): void {
    this.later(async () => {
      const state = await encodeRunState(this.sandbox);
      this.gen = ++generations;
      const { setup, data } = this.sandbox;
      this.send({ type: 'load', gen: this.gen, setup, data, device: this.device, state }, [
        state.bytes.buffer,
      ]);
    });
  }

  start(): Promise<void> {
    const done = new Promise<void>((resolve) => this.stopped.push(resolve));
    if (this.runningNow) return done;
    this.setRunning(true);
    this.later(() => this.send({ type: 'start', gen: this.gen }));
    return done;
  }

  pause(): Promise<void> {
    if (!this.runningNow) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.stopped.push(resolve));
    this.later(() => this.send({ type: 'pause', gen: this.gen }));
    return done;
  }

  async stepOnce(): Promise<void> {
    if (this.runningNow) return;
    this.adopt(await this.request('step'));
    const evaluation = this.last;
    if (evaluation !== undefined) await this.events.onMetrics(evaluation, this.sandbox.step);
  }

  async reset(): Promise<void> {
    await this.pause();
    this.sandbox.reset();
    this.last = undefined;
    this.load();
    await this.events.onMetrics(await this.evaluate(), this.sandbox.step);
  }

  live(change: LiveSettings): void {
    this.sandbox.applyLive(change);
    this.later(() => this.send({ type: 'live', gen: this.gen, change }));
  }

  weightsLoaded(): void {
    this.later(async () => {
      const bytes = await encodeWeights(this.sandbox);
      this.send({ type: 'weights', gen: this.gen, bytes }, [bytes.buffer]);
    });
  }

  async sync(): Promise<void> {
    if (this.runningNow) this.adopt(await this.request('pull'));
  }

  /** While training, the worker's last; else the page's sandbox, which then holds the worker's state. */
  evaluate(): Promise<Evaluation> {
    if (this.runningNow && this.last !== undefined) return Promise.resolve(this.last);
    return this.sandbox.evaluate();
  }

  predict(inputs: Float32Array, rows: number, features: number): Promise<ArrayLike<number>> {
    if (!this.runningNow)
      return modulePredict(() => this.sandbox.model, this.sandbox.backend, features)(inputs, rows);
    const id = this.nextId++;
    const output = new Promise<Float32Array>((resolve, reject) =>
      this.predictions.set(id, { resolve, reject }),
    );
    this.later(() => this.send({ type: 'predict', gen: this.gen, id, inputs, rows, features }));
    return output;
  }

  dispose(): void {
    this.worker.terminate();
    this.setRunning(false);
    for (const resolve of this.stopped.splice(0)) resolve();
    for (const { reject } of [...this.replies.values(), ...this.predictions.values()])
      reject(new Error('the run was replaced'));
    this.replies.clear();
    this.predictions.clear();
  }

  private send(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** Runs `task` after everything queued before it. */
  private later(task: () => void | Promise<void>): void {
    this.queue = this.queue.then(task).catch((e: unknown) => this.fail(e));
  }

  /** A step or a pull, answered by the worker's `state` of the same id. */
  private request(type: 'step' | 'pull'): Promise<RunState> {
    const id = this.nextId++;
    const reply = new Promise<RunState>((resolve, reject) => this.replies.set(id, { resolve, reject }));
    this.later(() => this.send({ type, gen: this.gen, id }));
    return reply;
  }

  /** The worker failed (not a step: a step's error stops the run and comes as onError): nothing waits. */
  private fail(e: unknown): void {
    for (const { reject } of [...this.replies.values(), ...this.predictions.values()]) reject(e);
    this.replies.clear();
    this.predictions.clear();
    this.events.onError(e);
  }

  private adopt(state: RunState): void {
    adoptRunState(this.sandbox, state);
  }

  private setRunning(on: boolean): void {
    if (this.runningNow === on) return;
    this.runningNow = on;
    this.events.onRunning(on);
  }

  private receive(message: FromWorker): void {
    if (message.gen !== this.gen) return;
    const trainer = this.sandbox.trainer;
    switch (message.type) {
      case 'loaded':
        return;
      case 'progress':
        trainer.step = message.step;
        trainer.lastLoss = message.lastLoss;
        this.arrived.push(...message.records);
        return this.scheduleDelivery();
      case 'weights':
        if (!this.runningNow) return;
        adoptWeights(this.sandbox, message.bytes);
        return this.showViews();
      case 'metrics':
        this.last = message.evaluation;
        // Outside the loop (a single step) the page hears them once the step's state is here.
        if (this.runningNow) void this.events.onMetrics(message.evaluation, message.step);
        return;
      case 'autosave':
        void this.events.onAutosave(message);
        return;
      case 'stopped':
        this.deliver();
        this.adopt(message.state);
        this.setRunning(false);
        for (const resolve of this.stopped.splice(0)) resolve();
        return;
      case 'predicted':
        this.predictions.get(message.id)?.resolve(message.output);
        this.predictions.delete(message.id);
        return;
      case 'state':
        this.replies.get(message.id)?.resolve(message.state);
        this.replies.delete(message.id);
        return;
      case 'error':
        this.events.onError(
          message.divergence === undefined
            ? new Error(message.message)
            : new DivergenceError(message.message, message.divergence.step, message.divergence.value),
        );
        return;
    }
  }

  /** The next delivery: in the first frame at least `recordsEveryMs` after the last one. */
  private scheduleDelivery(): void {
    if (this.deliveryPending) return;
    this.deliveryPending = true;
    const wait = Math.max(0, this.lastDelivery + recordsEveryMs - performance.now());
    setTimeout(() => requestAnimationFrame(() => this.deliver()), wait);
  }

  /** The records since the last delivery, in one onSlice (one chart update). */
  private deliver(): void {
    this.deliveryPending = false;
    this.lastDelivery = performance.now();
    if (this.arrived.length > 0) this.events.onSlice(this.arrived.splice(0));
  }

  /** The pictures, at most twice a second and never two redraws at once. */
  private showViews(): void {
    const now = performance.now();
    if (this.drawing || now - this.lastViews < viewsEveryMs) return;
    this.lastViews = now;
    this.drawing = true;
    void this.events.onViews().finally(() => (this.drawing = false));
  }
}
