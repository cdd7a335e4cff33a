/**
 * TextWorkerRun: `<pth-text-trainer>`'s side of its training worker (text-worker.ts). It starts the worker
 * (where there is no Worker, a TextHost on the page's thread, fed the same messages: one code path),
 * loads a run into it (a new generation each time: a reset, a new setup), sends Train, Pause and live
 * settings, turns requests (open, save, evaluate, inspect) into promises, and passes the worker's reports
 * of the current generation to the element; reports of a replaced run are dropped. It keeps the step and
 * whether the run trains, as the worker last reported them.
 */
import type { AttentionMaps } from '../../nn/gpt/attention-maps.ts';
import type { TextLiveSettings, TextSetup } from '../../train/text-sandbox.ts';
import type { StepRecord } from '../../train/trainer.ts';
import type {
  FromTextWorker,
  TextDevice,
  TextModel,
  TextRequestKind,
  TextRequests,
  ToTextWorker,
} from './text-protocol.ts';

export interface TextRunEvents {
  /** The corpus is loaded and a fresh model built (each load: the first, a reset). */
  onLoaded(model: TextModel): void;
  onSlice(records: StepRecord[]): void;
  onMetrics(loss: number, step: number): void;
  onSample(text: string, step: number): void;
  onAttention(maps: AttentionMaps, tokens: string[]): void;
  onRunning(running: boolean): void;
  onError(message: string): void;
}

type Pending = { resolve: (value: never) => void; reject: (e: Error) => void };

/** Where the messages go: the worker, or a TextHost on this thread. */
interface HostPort {
  postMessage(message: ToTextWorker, transfer: Transferable[]): void;
  terminate(): void;
}

/**
 * A TextHost on the page's thread, loaded only when needed: its steps time-sliced in animation frames (the
 * run controller's default); its reports arrive a macrotask later, as a worker's would.
 */
function inThread(receive: (message: FromTextWorker) => void): HostPort {
  const host = import('./text-host.ts').then(
    ({ TextHost }) => new TextHost((message) => setTimeout(() => receive(message))),
  );
  return {
    postMessage: (message) => void host.then((h) => h.receive(message)),
    terminate: () => void host.then((h) => h.stop()),
  };
}

export class TextWorkerRun {
  private readonly worker: HostPort;
  private gen = 0;
  private nextId = 0;
  private runningNow = false;
  private stepNow = 0;
  /** Resolved when the worker reports the loop stopped. */
  private stopped: (() => void)[] = [];
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly events: TextRunEvents) {
    if (typeof Worker === 'undefined') {
      this.worker = inThread((message) => this.receive(message));
      return;
    }
    const worker = new Worker(new URL('./text-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<FromTextWorker>) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.events.onError(`the training worker failed: ${event.message || 'it could not start'}`);
    };
    this.worker = worker;
  }

  get running(): boolean {
    return this.runningNow;
  }

  /** The step the worker reported last (0 before any, or an opened ckpt.pt's iter_num). */
  get step(): number {
    return this.stepNow;
  }

  /** A fresh GPT for `setup` over the corpus at `corpus` (an absolute URL): what came before is dropped. */
  load(corpus: string, setup: TextSetup, device: TextDevice): void {
    this.gen++;
    this.setRunning(false);
    this.stepNow = 0;
    for (const p of this.pending.values()) p.reject(new Error('the run was replaced'));
    this.pending.clear();
    this.send({ type: 'load', gen: this.gen, corpus, setup, device });
  }

  start(): void {
    if (this.runningNow) return;
    this.setRunning(true);
    this.send({ type: 'start', gen: this.gen });
  }

  /** Resolves once the worker's loop has stopped (the step in flight done), at once when not training. */
  pause(): Promise<void> {
    if (!this.runningNow) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.stopped.push(resolve));
    this.send({ type: 'pause', gen: this.gen });
    return done;
  }

  live(change: TextLiveSettings): void {
    this.send({ type: 'live', gen: this.gen, change });
  }

  /** Asks the worker; rejects with its error's message. */
  request<K extends TextRequestKind>(
    kind: K,
    ask: TextRequests[K]['ask'],
    transfer: Transferable[] = [],
  ): Promise<TextRequests[K]['reply']> {
    const id = ++this.nextId;
    const reply = new Promise<TextRequests[K]['reply']>((resolve, reject) =>
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject }),
    );
    this.send({ type: 'request', gen: this.gen, id, kind, ...ask } as ToTextWorker, transfer);
    return reply;
  }

  dispose(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('the text trainer was removed'));
    this.pending.clear();
  }

  private send(message: ToTextWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private setRunning(on: boolean): void {
    if (!on) for (const resolve of this.stopped.splice(0)) resolve();
    if (this.runningNow === on) return;
    this.runningNow = on;
    this.events.onRunning(on);
  }

  private receive(m: FromTextWorker): void {
    if (m.gen !== this.gen) return;
    switch (m.type) {
      case 'loaded':
        this.stepNow = m.model.step;
        return this.events.onLoaded(m.model);
      case 'progress':
        this.stepNow = m.step;
        return this.events.onSlice(m.records);
      case 'metrics':
        return this.events.onMetrics(m.loss, m.step);
      case 'sample':
        return this.events.onSample(m.text, m.step);
      case 'attention':
        return this.events.onAttention(m.maps, m.tokens);
      case 'stopped':
        this.stepNow = m.step;
        return this.setRunning(false);
      case 'error':
        return this.events.onError(m.message);
      case 'reply': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) {
          const value = m.value;
          if (typeof value === 'object' && 'step' in value) this.stepNow = value.step;
          p?.resolve(value as never);
        } else p?.reject(new Error(m.message));
        return;
      }
    }
  }
}
