/**
 * The sandbox page (index.html): the setup from the URL, a Sandbox over src/train, and the components of
 * src/ui fed from it. The steps run in a Web Worker (page-run.ts, worker-run.ts), so however long one step
 * takes the page keeps drawing; the page's sandbox follows the worker's (its weights a few times a second,
 * its whole state at every stop and save) and every view reads it. The held-out loss comes every 20 steps,
 * the pictures redraw at most twice a second; the run is autosaved to IndexedDB (never a diverged state) and
 * restored after a reload of the same setup. Learning rate, weight decay and batch size
 * change live; a change of data or architecture resets, with an Undo. The checkpoint inspector stays on the
 * page for files that are not this model's.
 */
import * as checkpoint from '../checkpoint/index.ts';
import { digestCheckpoint, digestJson } from '../checkpoint/inspect/digest.ts';
import { saveTorchZip } from '../checkpoint/index.ts';
import { ArchitectureError, DivergenceError, buildGeneralCheckpoint } from '../train/index.ts';
import { type AutosaveFile, type PageRun, autosaveFile, createRun } from './page-run.ts';
import { chooseDevice, pageSource, sandboxCheckpoints } from './page-parts.ts';
import { keepCsv } from './csv-source.ts';
import { onCsvFile, onPlayPauseKey } from './page-input.ts';
import { clearDigit, readDigit } from './digit.ts';
import { redrawPictures, showDataViews } from './views.ts';
import { showModes } from './modes-panel.ts';
import { copyLink, fillSelect, onSetupForm, showSetup } from './setup-form.ts';
import { TextStage } from './text-stage.ts';
import { UndoOffer } from './undo-offer.ts';
import { DatasetError } from '../train/datasets/index.ts';
import {
  Hints,
  Smoothed,
  copySnippetOnClick,
  nextMilestone,
  keepLogScale,
  showNumbers,
  showSnippet,
} from './stage.ts';
import { type Autosave, openAutosave } from '../ui/autosave.ts';
import type { SaveFormat } from '../ui/checkpoint-bar/snippets.ts';
import '../ui/index.ts';
import { presetLabels, presetNames } from '../train/presets.ts';
import { type Setup, datasetNames, optimizerNames, parseSetup, serializeSetup } from '../train/setup.ts';
import { type Evaluation, Sandbox } from '../train/sandbox.ts';

// Exposed for the browser tests and for people trying the library from the console.
const pthlab: Record<string, unknown> = { checkpoint, inspect: { digestCheckpoint, digestJson } };
(globalThis as { pthlab?: unknown }).pthlab = pthlab;

const $ = <K extends keyof HTMLElementTagNameMap>(selector: K) =>
  document.querySelector(selector) as HTMLElementTagNameMap[K];
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const form = byId<HTMLFormElement>('setup');
const status = $('pth-status');
const chart = $('pth-loss-chart');
const summary = $('pth-model-summary');
const bar = $('pth-checkpoint-bar');
const pad = $('pth-draw-pad');
const editor = $('pth-model-editor');
const buttons = {
  train: byId<HTMLButtonElement>('train'),
  pause: byId<HTMLButtonElement>('pause'),
  step: byId<HTMLButtonElement>('step'),
  reset: byId<HTMLButtonElement>('reset'),
  undo: byId<HTMLButtonElement>('undo'),
};

let sandbox: Sandbox;
let run: PageRun | undefined;
// IndexedDB may be unavailable (private windows of some browsers): then nothing is autosaved.
const autosave: Autosave | undefined = await openAutosave().catch(() => undefined);
const trainLoss = new Smoothed();
const hints = new Hints();
/** The format the Save menu wrote last: the PyTorch snippet shows how to load that one. */
let savedFormat: SaveFormat = 'checkpoint';
let testLoss: number | undefined;
let testAccuracy: number | undefined;
/** The step the status line last spoke of. */
let announced = 0;

const device = chooseDevice(pad);

/** dataset=text: the GPT's trainer in place of the stage's views (text-stage.ts). */
const text = new TextStage(
  byId('text-section'),
  form,
  device.then((d) => d.backend),
);
// What the page bench and tests read the step of: the text trainer in text mode, else the sandbox (defined
// here, after `text`: a probe reading it while the page still starts must not meet `text` uninitialised).
Object.defineProperty(pthlab, 'app', { enumerable: true, get: () => text.element ?? sandbox });

/** What Undo brings back after a change of data or architecture: the setup and the weights before it. */
const undo = new UndoOffer<{ setup: Setup; bytes: Uint8Array | undefined }>(buttons.undo, async (back) => {
  await apply(back.setup, false, true);
  if (back.bytes !== undefined) await bar.actions?.load('undo.pth', back.bytes);
  status.note = 'undone';
});

/** Rebuilds for `setup` (a change of data, architecture, optimizer or seed resets the run). */
async function apply(setup: Setup, restore: boolean, keepUndo = false): Promise<void> {
  await pause();
  if (setup.dataset === 'text') return text.show(setup);
  const fromText = text.hide();
  if (!keepUndo && !fromText && sandbox !== undefined) await rememberForUndo();
  let next: Sandbox;
  try {
    next = await Sandbox.create(setup, pageSource, (await device).backend);
  } catch (e) {
    if (e instanceof DatasetError && setup.dataset === 'csv') {
      // No CSV kept (a link opened in another browser), or one that no longer parses: say so, train spirals.
      byId('problems').textContent = `${e.message}; using spirals.`;
      return apply({ ...setup, dataset: 'spirals' }, restore, true);
    }
    if (!(e instanceof ArchitectureError)) throw e;
    // An `arch` from a link that does not fit its data: say why, and train the preset instead.
    byId('problems').textContent += ` ${e.message}; using the preset.`;
    const { arch: _unfit, ...withoutArch } = setup;
    return apply(withoutArch, restore, true);
  }
  await install(next, restore);
}

async function rememberForUndo(): Promise<void> {
  const bytes =
    sandbox.step > 0 && sandbox.trainer.lastLoss !== null && Number.isFinite(sandbox.trainer.lastLoss)
      ? saveTorchZip(await buildGeneralCheckpoint(sandbox.checkpointParts()))
      : undefined;
  undo.offer(
    { setup: sandbox.setup, bytes },
    `Undo (back to ${sandbox.setup.dataset} at step ${sandbox.step})`,
  );
}

/**
 * Makes `next` the page's sandbox: the URL and the form show its setup, the views and the checkpoint bar
 * follow it. A checkpoint that resumes with its own optimizer, or a switch to a file's architecture, builds
 * its sandbox completely first and comes here only when that worked, so a failed load changes nothing.
 */
async function install(next: Sandbox, restore: boolean, note = ''): Promise<void> {
  await pause();
  run?.dispose();
  sandbox = next;
  const setup = next.setup;
  history.replaceState(null, '', `?${serializeSetup(setup)}`);
  showSetup(form, setup);
  showEditor();
  showDataViews(
    () => sandbox,
    // The run of the sandbox installed here, made below before any picture is drawn.
    (inputs, rows, features) => (run as PageRun).predict(inputs, rows, features),
  );
  await refresh(false);
  bar.actions = sandboxCheckpoints(() => sandbox, {
    prepare: () => run?.sync() ?? Promise.resolve(),
    install: (resumed) => install(resumed.sandbox, false, resumed.note),
  });
  run = createRun(sandbox, (await device).kind, {
    onViews: () => redrawViews(),
    onAutosave: (file) => keep(file),
    onSlice: (records) => {
      // One chart update and one write of the numbers per frame, however many steps ran.
      for (const r of records) trainLoss.add(r.loss);
      chart.pushAll(records.map((r) => ({ step: r.step, trainLoss: r.loss })));
      showStageNumbers();
    },
    onMetrics: (evaluation, step) => refresh(true, evaluation, step),
    onRunning: (on) => setRunning(on),
    onError: (e) => {
      const message = e instanceof Error ? e.message : String(e);
      byId('run-error').textContent = message;
      if (e instanceof DivergenceError) status.loss = e.value;
    },
  });
  clearRun();
  chart.noAccuracy = sandbox.lossName !== 'cross_entropy';
  testLoss = undefined;
  testAccuracy = undefined;
  status.note = note;
  if (restore) await restoreAutosave();
  await refresh(true);
}

async function restoreAutosave(): Promise<void> {
  const latest = await autosave?.latest();
  if (latest === undefined || latest.header.label !== serializeSetup(sandbox.setup)) return;
  try {
    await bar.actions?.load('autosave.pth', latest.bytes);
    status.note = `restored the autosave of step ${latest.header.step}`;
  } catch (e) {
    status.note = `the autosave could not be restored: ${(e as Error).message}`;
  }
}

function showStageNumbers(): void {
  showNumbers(
    {
      epoch: sandbox.trainer.epoch,
      step: sandbox.step,
      trainLoss: trainLoss.value,
      testLoss,
      testAccuracy,
    },
    sandbox.lossName === 'cross_entropy',
  );
}

/**
 * Re-reads the model into the views; `all` also re-evaluates on the held-out rows and redraws (slower).
 * The status line (a polite live region) changes only here and at a pause, at milestones while training
 * (step 100, 200, 500, 1000, ...), never per frame, and its loss and accuracy are always the held-out ones.
 * `given` is an evaluation of the model at `step` (the worker's, a few steps behind the page's).
 */
async function refresh(all: boolean, given?: Evaluation, step = sandbox.step): Promise<void> {
  if (!all) {
    summary.show(sandbox.spec, sandbox.model, sandbox.inputShape);
    return;
  }
  const evaluation = given ?? (await run?.evaluate()) ?? (await sandbox.evaluate());
  testLoss = evaluation.loss;
  testAccuracy = evaluation.accuracy;
  // While training, the live region speaks only at milestones; the big numbers show every refresh.
  if (run?.running !== true || sandbox.step >= nextMilestone(announced)) {
    announced = sandbox.step;
    status.step = sandbox.step;
    status.loss = evaluation.loss;
    status.accuracy = evaluation.accuracy;
  }
  showStageNumbers();
  if (sandbox.step > 0) hints.update(sandbox, evaluation.loss, trainLoss.value, evaluation.accuracy);
  chart.push({
    step,
    heldOutLoss: evaluation.loss,
    ...(evaluation.accuracy === undefined ? {} : { accuracy: evaluation.accuracy }),
  });
  if (run?.running !== true) await redrawViews();
}

/** The pictures of the model, each in a frame of its own while training. */
function redrawViews(): Promise<void> {
  return redrawPictures(sandbox, savedFormat, run?.running === true);
}

/** The run's state now into the autosave (not a diverged one: the last good save stays). */
async function save(): Promise<void> {
  const file = await autosaveFile(sandbox);
  if (file !== undefined) await keep(file);
}

async function keep(file: AutosaveFile): Promise<void> {
  await autosave?.save({ ...file, label: serializeSetup(sandbox.setup) });
}

function setRunning(on: boolean): void {
  buttons.train.disabled = on;
  buttons.step.disabled = on;
  buttons.pause.disabled = !on;
  if (on) status.note = 'training';
  else {
    // Paused: the status announces where the run stands (its step and held-out numbers).
    status.note = status.note === 'training' ? 'paused' : status.note;
    status.step = sandbox.step;
    if (testLoss !== undefined) status.loss = testLoss;
    status.accuracy = testAccuracy;
  }
}

function pause(): Promise<void> {
  return run?.pause() ?? Promise.resolve();
}

function play(): void {
  const current = run;
  if (current === undefined || current.running) return;
  // When the loop has stopped (after the step in flight at a pause): the status's step, then an autosave.
  void current.start().then(async () => {
    if (current !== run) return;
    status.step = sandbox.step;
    showStageNumbers();
    await redrawViews();
    await save();
  });
  buttons.pause.focus();
}

function togglePlay(): void {
  if (text.toggle()) return;
  if (run?.running === true) {
    void pause();
    buttons.train.focus();
  } else play();
}

buttons.train.addEventListener('click', play);
buttons.pause.addEventListener('click', () => {
  void pause();
  buttons.train.focus();
});
buttons.step.addEventListener('click', () => void run?.stepOnce());
buttons.reset.addEventListener('click', () => {
  void run?.reset().then(() => {
    clearRun();
    status.note = 'reset';
    return refresh(true);
  });
});

/** What a run has said so far (a new sandbox, or a reset): the chart, the smoothed loss, hints, errors. */
function clearRun(): void {
  chart.reset();
  trainLoss.clear();
  hints.clear();
  announced = 0;
  byId('run-error').textContent = '';
}
/** Notes about the run that a loaded file makes stale (a resumed checkpoint sets a note of its own). */
const staleAfterLoad = new Set(['reset', 'paused', 'undone']);
keepLogScale(chart);

bar.addEventListener('pth-loaded', () => {
  // Weights loaded into the page's model: the training (in its worker) goes on from them.
  run?.weightsLoaded();
  if (staleAfterLoad.has(status.note)) status.note = '';
  void refresh(true);
});

onPlayPauseKey(togglePlay);

/** The model editor edits the sandbox's architecture for its data; Apply rebuilds with it (URL `arch`). */
function showEditor(): void {
  const classification = sandbox.data.kind === 'classification';
  editor.inputShape = sandbox.inputShape;
  editor.outputs = classification ? (sandbox.data.classes ?? 2) : 1;
  editor.task = classification ? 'classification' : 'regression';
  editor.spec = sandbox.spec;
}
editor.addEventListener(
  'pth-apply',
  (event) => void apply({ ...sandbox.setup, arch: event.detail.spec }, false),
);

onSetupForm(form, () => text.setup ?? sandbox.setup, {
  rebuild: (setup) => void apply(setup, false),
  live: (change) => {
    if (text.applyLive(change)) return;
    run?.live(change);
    history.replaceState(null, '', `?${serializeSetup({ ...sandbox.setup, ...change })}`);
  },
});
pad.addEventListener('pth-draw', () => void readDigit(pad, sandbox.model, sandbox.backend));
document.getElementById('compare-modes')?.addEventListener('click', () => {
  const view = document.querySelector('pth-mode-compare');
  if (view !== null) void showModes(view, sandbox);
});

/** A CSV of one's own, picked or dropped: it becomes the data (a reset, with an Undo); an error says why. */
async function useCsv(file: File): Promise<void> {
  try {
    await keepCsv(file);
  } catch (e) {
    byId('problems').textContent = (e as Error).message;
    return;
  }
  byId('problems').textContent = '';
  const { arch: _own, ...setup } = text.setup ?? sandbox.setup;
  await apply({ ...setup, dataset: 'csv' }, false);
  status.note = `training on ${file.name}`;
}
onCsvFile(useCsv);
pad.addEventListener('pth-clear', () => clearDigit());

byId('copy-link').addEventListener('click', () => void copyLink());
bar.addEventListener('pth-saved', (event) => {
  savedFormat = (event as CustomEvent<{ format: SaveFormat }>).detail.format;
  showSnippet(sandbox, savedFormat);
});
copySnippetOnClick();

fillSelect(form, 'dataset', datasetNames, { csv: 'CSV file (your own)' });
fillSelect(form, 'preset', presetNames, presetLabels);
fillSelect(form, 'optim', optimizerNames);
const initial = parseSetup(location.search);
byId('problems').textContent = initial.problems.join(' ');
await apply(initial.setup, true);
pthlab['ready'] = true;
