/**
 * `<pth-text-trainer>`'s training worker: it owns the TextRun (the one run controller over a TextSandbox,
 * text-run.ts) and runs its steps back to back, yielding between slices only to read the element's
 * messages, so however long one GPT step takes (up to a second on the CPU backend) the page keeps drawing.
 * It posts each slice's losses, the validation loss, a sample and the attention maps as the controller makes
 * them, and answers requests (open a ckpt.pt, save, evaluate, inspect). See text-protocol.ts.
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

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ToTextWorker>) => void) | null;
  postMessage(message: FromTextWorker, transfer?: Transferable[]): void;
};
const post = (message: FromTextWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

/** Training work between two looks at the element's messages, in milliseconds. */
const sliceBudgetMs = 25;

/** A macrotask, so the element's messages (pause, a live change) are read between slices. */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const nextSlice = () =>
  new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });

/** One backend per device kind for the worker's life: a reset does not open a new GPU device. */
const backends = new Map<TextDevice, Promise<Backend>>();
function backendFor(device: TextDevice): Promise<Backend> {
  let backend = backends.get(device);
  if (backend === undefined) {
    backend = selectBackend(device).then((s) => s.backend);
    backends.set(device, backend);
  }
  return backend;
}

let gen = 0;
let run: TextRun | undefined;
/** The running loop, until it stops. */
let looping: Promise<void> | undefined;
/** Whether the element wants the loop running (a start and no pause since). */
let wanted = false;
/** Set while the loop is stopped for a moment (a save): its stop is not reported. */
let holding = false;

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

async function load(m: Extract<ToTextWorker, { type: 'load' }>): Promise<void> {
  run?.pause();
  await looping;
  run = undefined;
  gen = m.gen;
  const g = gen;
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
    { nextFrame: nextSlice, frameBudgetMs: sliceBudgetMs },
  );
  run = next;
  post({ type: 'loaded', gen: g, model: describe(next.target) });
  await next.refresh(); // the validation loss at step 0
  await next.show();
}

function startLoop(r: TextRun, g: number): void {
  if (looping !== undefined) return;
  looping = r.start().then(() => {
    looping = undefined;
    if (holding || g !== gen) return;
    wanted = false;
    post({ type: 'stopped', gen: g, step: r.step });
  });
}

/** `work` between two steps: a running loop stops for the moment it takes, then goes on unless paused meanwhile. */
async function between<T>(r: TextRun, work: () => Promise<T>): Promise<T> {
  if (looping === undefined) return work();
  holding = true;
  r.pause();
  await looping;
  holding = false;
  try {
    return await work();
  } finally {
    if (wanted) startLoop(r, gen);
    else post({ type: 'stopped', gen, step: r.step });
  }
}

async function answer(r: TextRun, m: TextRequest): Promise<TextRequests[typeof m.kind]['reply']> {
  switch (m.kind) {
    case 'open':
      wanted = false; // opening a file pauses the run, as a new setup would
      await between(r, () => r.open(m.ckpt, m.meta));
      return describe(r.target);
    case 'save': {
      const { ckpt, meta } = await between(r, () => r.target.save());
      return { ckpt, meta, step: r.step };
    }
    case 'evaluate':
      return (await between(r, () => r.target.evaluate(m.batches))).loss;
    case 'inspect':
      return {
        lr: r.target.optimizer.paramGroups.map((g) => (g as unknown as { lr: number }).lr),
        step: r.step,
        backend: r.target.backend.name,
      };
  }
}

/** Handles one message; the next waits until this one is done (a load before the start after it). */
async function handle(m: ToTextWorker, seq: number): Promise<void> {
  if (m.type === 'load') return load(m);
  const r = run;
  if (r === undefined || m.gen !== gen) return;
  switch (m.type) {
    case 'start':
      if (pausedAt > seq) return post({ type: 'stopped', gen, step: r.step });
      wanted = true;
      return startLoop(r, gen);
    case 'live':
      return r.applyLive(m.change);
    case 'request':
      try {
        const value = await answer(r, m);
        const transfer = m.kind === 'save' ? [(value as { ckpt: Uint8Array }).ckpt.buffer] : [];
        post({ type: 'reply', gen: m.gen, id: m.id, ok: true, value }, transfer as ArrayBuffer[]);
      } catch (e) {
        post({ type: 'reply', gen: m.gen, id: m.id, ok: false, message: message(e) });
      }
      return;
    case 'pause':
      return;
  }
}

let queue: Promise<void> = Promise.resolve();
/** Messages received so far, and the number of the last pause among them. */
let received = 0;
let pausedAt = 0;
scope.onmessage = (event) => {
  const m = event.data;
  const seq = ++received;
  // A pause acts at once (the loop stops after the step in flight); the rest keep their order, and a start
  // still queued behind a load when a pause came never starts.
  if (m.type === 'pause') {
    pausedAt = seq;
    wanted = false;
    if (m.gen === gen) run?.pause();
    return;
  }
  queue = queue.then(
    () => handle(m, seq),
    () => handle(m, seq),
  );
  queue.catch((e: unknown) => post({ type: 'error', gen, message: message(e) }));
};
