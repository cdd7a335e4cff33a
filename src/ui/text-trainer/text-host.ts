/**
 * What `<pth-text-trainer>`'s training worker runs (text-worker.ts; on the page's thread only where there is
 * no Worker): it owns the TextRun (the one run controller over a TextSandbox, text-run.ts) and runs its
 * steps, yielding between slices to read the element's messages. It posts each slice's losses, the
 * validation loss, a sample and the attention maps as the controller makes them, and answers requests (open
 * a ckpt.pt, save, evaluate, inspect). See text-protocol.ts.
 */
import { type Backend, selectBackend } from '../../tensor/index.ts';
import { fetchTextCorpus } from '../../train/datasets/text-fetch.ts';
import type { TextSandbox } from '../../train/text-sandbox.ts';
import type {
  FromTextWorker,
  TextDevice,
  TextModel,
  TextRequest,
  TextRequests,
  ToTextWorker,
} from './text-protocol.ts';
import { TextRun } from './text-run.ts';

/** Posts a report to the element (from a worker: `postMessage`, its buffers transferred). */
export type PostToElement = (message: FromTextWorker, transfer?: Transferable[]) => void;

/** How the run yields between slices: in a worker, a macrotask and a larger slice; on the page, frames. */
export interface HostFrames {
  nextFrame?: () => Promise<unknown>;
  frameBudgetMs?: number;
}

/** One backend per device kind for the thread's life: a reset does not open a new GPU device. */
const backends = new Map<TextDevice, Promise<Backend>>();
function backendFor(device: TextDevice): Promise<Backend> {
  let backend = backends.get(device);
  if (backend === undefined) {
    backend = selectBackend(device).then((s) => s.backend);
    backends.set(device, backend);
  }
  return backend;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function describe(box: TextSandbox): TextModel {
  const { text } = box;
  return {
    config: { ...box.model.config },
    vocabSize: text.vocab.vocabSize,
    corpusChars: text.train.length + text.val.length,
    backend: box.backend.name,
    step: box.step,
  };
}

export class TextHost {
  private gen = 0;
  private run: TextRun | undefined;
  /** The running loop, until it stops. */
  private looping: Promise<void> | undefined;
  /** Whether the element wants the loop running (a start and no pause since). */
  private wanted = false;
  /** Set while the loop is stopped for a moment (a save): its stop is not reported. */
  private holding = false;
  private queue: Promise<void> = Promise.resolve();
  /** Messages received so far, and the number of the last pause among them. */
  private received = 0;
  private pausedAt = 0;
  private stopped = false;

  constructor(
    private readonly post: PostToElement,
    private readonly frames: HostFrames = {},
  ) {}

  /** One message from the element. */
  receive(m: ToTextWorker): void {
    if (this.stopped) return;
    const seq = ++this.received;
    // A pause acts at once (the loop stops after the step in flight); the rest keep their order, and a start
    // still queued behind a load when a pause came never starts.
    if (m.type === 'pause') {
      this.pausedAt = seq;
      this.wanted = false;
      if (m.gen === this.gen) this.run?.pause();
      return;
    }
    this.queue = this.queue.then(
      () => this.handle(m, seq),
      () => this.handle(m, seq),
    );
    this.queue.catch((e: unknown) => this.post({ type: 'error', gen: this.gen, message: message(e) }));
  }

  /** The element is gone: the run stops, and nothing more is handled. */
  stop(): void {
    this.wanted = false;
    this.run?.pause();
    this.stopped = true;
  }

  private async load(m: Extract<ToTextWorker, { type: 'load' }>): Promise<void> {
    this.run?.pause();
    await this.looping;
    this.run = undefined;
    this.gen = m.gen;
    const g = this.gen;
    const post = this.post;
    const [text, backend] = await Promise.all([fetchTextCorpus(m.corpus), backendFor(m.device)]);
    const next = TextRun.create(
      text,
      m.setup,
      backend,
      {
        onSlice: (records) => post({ type: 'progress', gen: g, records, step: next.step }),
        onMetrics: (e, step) => post({ type: 'metrics', gen: g, step, loss: e.loss }),
        onSample: (sample, step) => post({ type: 'sample', gen: g, step, text: sample }),
        onAttention: (maps, tokens) =>
          post({ type: 'attention', gen: g, maps, tokens }, [maps.weights.buffer as ArrayBuffer]),
        onError: (e) => post({ type: 'error', gen: g, message: e }),
      },
      this.frames,
    );
    this.run = next;
    post({ type: 'loaded', gen: g, model: describe(next.target) });
    await next.refresh(); // the validation loss at step 0
    await next.show();
  }

  private startLoop(r: TextRun, g: number): void {
    if (this.looping !== undefined) return;
    this.looping = r.start().then(() => {
      this.looping = undefined;
      if (this.holding || g !== this.gen) return;
      this.wanted = false;
      this.post({ type: 'stopped', gen: g, step: r.step });
    });
  }

  /** `work` between two steps: a running loop stops for the moment it takes, then goes on unless paused meanwhile. */
  private async between<T>(r: TextRun, work: () => Promise<T>): Promise<T> {
    if (this.looping === undefined) return work();
    this.holding = true;
    r.pause();
    await this.looping;
    this.holding = false;
    try {
      return await work();
    } finally {
      if (this.wanted) this.startLoop(r, this.gen);
      else this.post({ type: 'stopped', gen: this.gen, step: r.step });
    }
  }

  private async answer(r: TextRun, m: TextRequest): Promise<TextRequests[typeof m.kind]['reply']> {
    switch (m.kind) {
      case 'open':
        this.wanted = false; // opening a file pauses the run, as a new setup would
        await this.between(r, () => r.open(m.ckpt, m.meta));
        return describe(r.target);
      case 'save': {
        const { ckpt, meta } = await this.between(r, () => r.target.save());
        return { ckpt, meta, step: r.step };
      }
      case 'evaluate':
        return (await this.between(r, () => r.target.evaluate(m.batches))).loss;
      case 'inspect':
        return {
          lr: r.target.optimizer.paramGroups.map((g) => (g as unknown as { lr: number }).lr),
          step: r.step,
          backend: r.target.backend.name,
        };
    }
  }

  /** Handles one message; the next waits until this one is done (a load before the start after it). */
  private async handle(m: ToTextWorker, seq: number): Promise<void> {
    if (m.type === 'load') return this.load(m);
    const r = this.run;
    if (r === undefined || m.gen !== this.gen) return;
    switch (m.type) {
      case 'start':
        if (this.pausedAt > seq) return this.post({ type: 'stopped', gen: this.gen, step: r.step });
        this.wanted = true;
        return this.startLoop(r, this.gen);
      case 'live':
        return r.applyLive(m.change);
      case 'request':
        try {
          const value = await this.answer(r, m);
          const transfer = m.kind === 'save' ? [(value as { ckpt: Uint8Array }).ckpt.buffer] : [];
          this.post({ type: 'reply', gen: m.gen, id: m.id, ok: true, value }, transfer as ArrayBuffer[]);
        } catch (e) {
          this.post({ type: 'reply', gen: m.gen, id: m.id, ok: false, message: message(e) });
        }
        return;
      case 'pause':
        return;
    }
  }
}
