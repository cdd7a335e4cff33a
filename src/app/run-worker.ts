/**
 * The sandbox page's training worker: it owns the training Sandbox (model, optimizer, Trainer) and runs the
 * RunController's steps back to back, yielding between slices only to read the page's messages, so however
 * long one step takes the page keeps drawing. It reports each slice's losses, the weights a few times a
 * second, the held-out metrics every 20 steps and an autosave every 100, each between steps (the
 * controller's periodic work), so every report is of one consistent step. See run-protocol.ts.
 */
import { saveTorchZip } from '../checkpoint/index.ts';
import { type Tensor, fromHost, noGrad, selectBackend } from '../tensor/index.ts';
import { RunController } from '../train/controller.ts';
import { nextMacrotask } from '../train/macrotask.ts';
import { DivergenceError, buildGeneralCheckpoint } from '../train/index.ts';
import { Sandbox } from '../train/sandbox.ts';
import { adoptRunState, adoptWeights, encodeRunState, encodeWeights } from '../train/sandbox-state.ts';
import type { StepRecord } from '../train/trainer.ts';
import type { FromWorker, ToWorker } from './run-protocol.ts';

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
};

/** Training work between two looks at the page's messages, in milliseconds. */
const sliceBudgetMs = 25;
/** The weights go to the page at most this often while training (its pictures redraw twice a second). */
const weightsEveryMs = 500;
/** An autosave every 100 steps, at most this often while training (each is an IndexedDB write on the page). */
const autosaveEveryMs = 2000;
/**
 * Steps' records go to the page at most this often: it charts them at most ten times a second, and a
 * message per 25 ms slice was a task on its thread for each.
 */
const progressEveryMs = 100;

let gen = 0;
let sandbox: Sandbox | undefined;
let controller: RunController<Sandbox> | undefined;
/** The running loop, until it stops. */
let looping: Promise<void> | undefined;
/** Whether the page wants the loop running (a start and no pause since, nor an error). */
let wanted = false;
/** Set while the loop is stopped for a moment (a pull): its stop is not reported. */
let holding = false;
/** Records not yet sent, and when progress was last sent. */
let unsent: StepRecord[] = [];
let progressSent = 0;

const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

function makeController(target: Sandbox, g: number): RunController<Sandbox> {
  return new RunController(target, {
    frameBudgetMs: sliceBudgetMs,
    nextFrame: nextMacrotask,
    metricsEvery: 20,
    metricsMinIntervalMs: 200,
    tasks: [
      {
        every: 1,
        minIntervalMs: weightsEveryMs,
        run: async () => {
          const bytes = await encodeWeights(target);
          post({ type: 'weights', gen: g, step: target.step, bytes }, [bytes.buffer]);
        },
      },
      { every: 100, minIntervalMs: autosaveEveryMs, run: () => autosave(target, g) },
    ],
    onSlice: (records) => {
      unsent.push(...records);
      if (performance.now() - progressSent >= progressEveryMs) postProgress(target, g);
    },
    onMetrics: (evaluation, step) => {
      postProgress(target, g);
      post({ type: 'metrics', gen: g, step, evaluation });
    },
    onError: (e) => {
      const divergence = e instanceof DivergenceError ? { step: e.step, value: e.value } : undefined;
      post({ type: 'error', gen: g, message: e instanceof Error ? e.message : String(e), divergence });
    },
  });
}

async function autosave(target: Sandbox, g: number): Promise<void> {
  const loss = target.trainer.lastLoss;
  if (loss === null) return;
  try {
    const bytes = saveTorchZip(await buildGeneralCheckpoint(target.checkpointParts()));
    post({ type: 'autosave', gen: g, step: target.step, loss, bytes }, [bytes.buffer]);
  } catch (e) {
    // A diverged model is never saved; the last good autosave stays.
    if (!(e instanceof DivergenceError)) throw e;
  }
}

function startLoop(run: RunController<Sandbox>, target: Sandbox, g: number): void {
  if (looping !== undefined) return;
  looping = run.start().then(async () => {
    looping = undefined;
    if (holding || g !== gen) return;
    wanted = false;
    await postStopped(target, g);
  });
}

/** The records not yet sent, with the step and last loss now. */
function postProgress(target: Sandbox, g: number): void {
  progressSent = performance.now();
  if (unsent.length === 0) return;
  const records = unsent;
  unsent = [];
  post({ type: 'progress', gen: g, records, step: target.step, lastLoss: target.trainer.lastLoss });
}

async function postStopped(target: Sandbox, g: number): Promise<void> {
  postProgress(target, g);
  const state = await encodeRunState(target);
  post({ type: 'stopped', gen: g, state }, [state.bytes.buffer]);
}

/**
 * The model's outputs in eval mode, the forward pass all between two steps (no await while the model is in
 * eval mode, so no step runs in it), read back after.
 */
async function predictNow(target: Sandbox, inputs: Float32Array, rows: number, features: number) {
  const m = target.model;
  const training = m.training;
  m.eval();
  let output: Tensor;
  try {
    output = noGrad(() => m.forward(fromHost(inputs, [rows, features], { backend: target.backend }))); // (rows, outputs)
  } finally {
    m.train(training);
  }
  return Float32Array.from(await output.data());
}

/** Handles one message; the next waits until this one is done (a load before the start after it). */
async function handle(message: ToWorker, seq: number): Promise<void> {
  if (message.type === 'load') {
    controller?.pause();
    await looping;
    gen = message.gen;
    unsent = [];
    const selected = await selectBackend(message.device);
    const next = await Sandbox.create(message.setup, () => Promise.resolve(message.data), selected.backend);
    adoptRunState(next, message.state);
    sandbox = next;
    controller = makeController(next, gen);
    post({ type: 'loaded', gen });
    return;
  }
  const run = controller;
  const target = sandbox;
  if (run === undefined || target === undefined || message.gen !== gen) return;
  switch (message.type) {
    case 'start':
      if (pausedAt > seq) return postStopped(target, gen);
      wanted = true;
      return startLoop(run, target, gen);
    case 'live':
      return run.change((s) => s.applyLive(message.change));
    case 'weights':
      return run.change((s) => adoptWeights(s, message.bytes));
    case 'predict': {
      const output = await predictNow(target, message.inputs, message.rows, message.features);
      return post({ type: 'predicted', gen, id: message.id, output }, [output.buffer]);
    }
    case 'step': {
      await run.stepOnce();
      postProgress(target, gen);
      const state = await encodeRunState(target);
      return post({ type: 'state', gen, id: message.id, state }, [state.bytes.buffer]);
    }
    case 'pull': {
      // The state between two steps: the loop stops for the moment it takes to read it.
      const wasRunning = looping !== undefined;
      holding = true;
      run.pause();
      await looping;
      holding = false;
      const state = await encodeRunState(target);
      post({ type: 'state', gen, id: message.id, state }, [state.bytes.buffer]);
      // A pause that came meanwhile: the loop stays stopped, and the page hears it did.
      if (wanted) startLoop(run, target, gen);
      else if (wasRunning) await postStopped(target, gen);
      return;
    }
  }
}

let queue: Promise<void> = Promise.resolve();
/** Messages received so far, and the number of the last pause among them. */
let received = 0;
let pausedAt = 0;
scope.onmessage = (event) => {
  const message = event.data;
  const seq = ++received;
  // A pause acts at once (the loop stops after the step in flight); the rest keep their order, and a start
  // still queued behind a load when a pause came never starts.
  if (message.type === 'pause') {
    pausedAt = seq;
    wanted = false;
    if (message.gen === gen) controller?.pause();
    return;
  }
  queue = queue.then(
    () => handle(message, seq),
    () => handle(message, seq),
  );
  queue.catch((e: unknown) =>
    post({ type: 'error', gen, message: e instanceof Error ? e.message : String(e), divergence: undefined }),
  );
};
