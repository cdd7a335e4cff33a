/**
 * The sandbox page (index.html): the setup from the URL, a Sandbox over src/train, and the components of
 * src/ui fed from it. The one run controller (src/train/controller.ts) trains as many steps per animation
 * frame as fit a small time budget, so the page stays responsive; the held-out loss, decision map, network
 * and weights refresh every 20 steps, each in a frame of its own; the run is autosaved to IndexedDB (never a
 * diverged state) and restored after a reload of the same setup. Learning rate, weight decay and batch size
 * change live; a change of data or architecture resets, with an Undo. The checkpoint inspector stays on the
 * page for files that are not this model's.
 */
import * as checkpoint from '../checkpoint/index.ts';
import { digestCheckpoint, digestJson } from '../checkpoint/inspect/digest.ts';
import { saveTorchZip } from '../checkpoint/index.ts';
import { type Backend, selectBackend } from '../tensor/index.ts';
import { ArchitectureError, DivergenceError, buildGeneralCheckpoint } from '../train/index.ts';
import { RunController } from '../train/controller.ts';
import { csvData, isCsvFile, keepCsv } from './csv-source.ts';
import { clearDigit, readDigit } from './digit.ts';
import { showModes } from './modes-panel.ts';
import { copyLink, fillSelect, isLiveKey, onlyLiveChanges, readForm, showSetup } from './setup-form.ts';
import { TextStage } from './text-stage.ts';
import { DatasetError } from '../train/datasets/index.ts';
import {
  Hints,
  Smoothed,
  drawNetwork,
  nextMilestone,
  keepLogScale,
  showNumbers,
  showSnippet,
} from './stage.ts';
import { type Autosave, openAutosave } from '../ui/autosave.ts';
import { ModelCheckpoints } from '../ui/checkpoint-bar/actions.ts';
import type { SaveFormat } from '../ui/checkpoint-bar/snippets.ts';
import { modulePredict } from '../ui/decision-map/module-predict.ts';
import '../ui/index.ts';
import { presetLabels, presetNames } from '../train/presets.ts';
import { type Setup, datasetNames, optimizerNames, parseSetup, serializeSetup } from '../train/setup.ts';
import { type DataSource, Sandbox, syntheticSource } from '../train/sandbox.ts';
import { resumeCheckpoint } from '../train/resume.ts';

// Exposed for the browser tests and for people trying the library from the console.
const pthlab: Record<string, unknown> = { checkpoint, inspect: { digestCheckpoint, digestJson } };
(globalThis as { pthlab?: unknown }).pthlab = pthlab;

const $ = <K extends keyof HTMLElementTagNameMap>(selector: K) =>
  document.querySelector(selector) as HTMLElementTagNameMap[K];
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const form = byId<HTMLFormElement>('setup');
const status = $('pth-status');
const chart = $('pth-loss-chart');
const map = $('pth-decision-map');
const summary = $('pth-model-summary');
const weights = $('pth-weights');
const bar = $('pth-checkpoint-bar');
const pad = $('pth-draw-pad');
const editor = $('pth-model-editor');
const network = $('pth-network');
const curve = $('pth-fit-curve');
const buttons = {
  train: byId<HTMLButtonElement>('train'),
  pause: byId<HTMLButtonElement>('pause'),
  step: byId<HTMLButtonElement>('step'),
  reset: byId<HTMLButtonElement>('reset'),
  undo: byId<HTMLButtonElement>('undo'),
};

const source: DataSource = async (setup) => {
  if (setup.dataset === 'csv') return csvData();
  if (setup.dataset !== 'mnist') return syntheticSource(setup);
  const { loadMnist } = await import('../train/datasets/mnist-browser.ts');
  return loadMnist({ perClass: 100, seed: setup.seed });
};

let sandbox: Sandbox;
let controller: RunController<Sandbox> | undefined;
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

/**
 * The device, chosen once: WebGPU where the page has a hardware adapter, else the CPU backend, with a visible
 * notice saying why (no WebGPU, or WebGPU running in software, where the CPU backend is faster).
 */
const device: Promise<Backend> = selectBackend('auto').then((selected) => {
  const notice = byId('device-notice');
  notice.textContent = selected.notice ?? `Training on ${selected.kind === 'webgpu' ? 'WebGPU' : 'the CPU'}.`;
  notice.dataset['kind'] = selected.kind;
  // Training on WebGPU: the draw pad resizes on the same device (else it requests one of its own).
  if (selected.kind === 'webgpu') pad.backend = selected.backend;
  return selected.backend;
});

/** dataset=text: the GPT's trainer in place of the stage's views (text-stage.ts). */
const text = new TextStage(byId('text-section'), form, device);

/** What Undo brings back after a change of data or architecture: the setup and the weights before it. */
let undo: { setup: Setup; bytes: Uint8Array | undefined } | undefined;

/** Rebuilds for `setup` (a change of data, architecture, optimizer or seed resets the run). */
async function apply(setup: Setup, restore: boolean, keepUndo = false): Promise<void> {
  pause();
  if (setup.dataset === 'text') return text.show(setup);
  const fromText = text.hide();
  if (!keepUndo && !fromText && sandbox !== undefined) await rememberForUndo();
  let next: Sandbox;
  try {
    next = await Sandbox.create(setup, source, await device);
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
  undo = { setup: sandbox.setup, bytes };
  buttons.undo.hidden = false;
  buttons.undo.textContent = `Undo (back to ${sandbox.setup.dataset} at step ${sandbox.step})`;
}

buttons.undo.addEventListener('click', () => {
  const back = undo;
  if (back === undefined) return;
  undo = undefined;
  buttons.undo.hidden = true;
  void apply(back.setup, false, true).then(async () => {
    if (back.bytes !== undefined) await bar.actions?.load('undo.pth', back.bytes);
    status.note = 'undone';
  });
});

/**
 * Makes `next` the page's sandbox: the URL and the form show its setup, the views and the checkpoint bar
 * follow it. A checkpoint that resumes with its own optimizer, or a switch to a file's architecture, builds
 * its sandbox completely first and comes here only when that worked, so a failed load changes nothing.
 */
async function install(next: Sandbox, restore: boolean, note = ''): Promise<void> {
  pause();
  sandbox = next;
  const setup = next.setup;
  pthlab['app'] = sandbox;
  history.replaceState(null, '', `?${serializeSetup(setup)}`);
  showSetup(form, setup);
  showEditor();
  const twoD = sandbox.data.kind === 'classification' && sandbox.data.features === 2;
  byId('map-section').hidden = !twoD;
  byId('pad-section').hidden = setup.dataset !== 'mnist';
  map.size = Math.max(200, Math.min(300, window.innerWidth - 70));
  map.points = twoD ? sandbox.data : undefined;
  map.heldOut = twoD ? sandbox.heldOut : undefined;
  map.predict = twoD ? modulePredict(() => sandbox.model, sandbox.backend) : undefined;
  // 1-D regression (sine): the data and the fitted curve.
  const curveData = sandbox.data.kind === 'regression' && sandbox.data.features === 1;
  byId('fit-section').hidden = !curveData;
  curve.size = Math.max(200, Math.min(320, window.innerWidth - 70));
  curve.points = curveData ? sandbox.data : undefined;
  curve.predict = curveData ? modulePredict(() => sandbox.model, sandbox.backend, 1) : undefined;
  clearDigit();
  // An image model's first layer: one 28x28 tile per unit, not a 786-pixel-wide strip.
  const image = sandbox.data.imageShape;
  weights.tile = image === undefined ? undefined : [image[1], image[2]];
  // The new sandbox keeps the page's data (neither a checkpoint nor an architecture changes it).
  const sameData = () => Promise.resolve(sandbox.data);
  bar.actions = new ModelCheckpoints({
    model: () => sandbox.model,
    backend: sandbox.backend,
    baseName: `${setup.dataset}_${setup.preset}`,
    arch: () => sandbox.spec,
    checkpointParts: () => sandbox.checkpointParts(),
    resumeGeneralCheckpoint: async (ck, fileName) => {
      const resumed = await resumeCheckpoint(sandbox, ck);
      await install(resumed.sandbox, false, resumed.note);
      return `Loaded checkpoint ${fileName}: ${resumed.note}.`;
    },
    switchArchitecture: async (arch, ck, fileName) => {
      // Built and loaded before anything changes: an architecture that does not fit the data
      // (ArchitectureError), or a file whose weights do not fit its own arch, leaves the page as it was.
      const base = await Sandbox.create({ ...sandbox.setup, arch }, sameData, sandbox.backend);
      const resumed = await resumeCheckpoint(base, ck);
      await install(resumed.sandbox, false, resumed.note);
      return `Switched to the file's architecture and loaded ${fileName}: ${resumed.note}.`;
    },
  });
  controller = new RunController(sandbox, {
    frameBudgetMs,
    metricsEvery: 20,
    // Held-out metrics at most 5 times a second, the heavier pictures about twice: frames stay short.
    metricsMinIntervalMs: 200,
    tasks: [
      { every: 20, minIntervalMs: 500, run: () => redrawViews() },
      { every: 100, run: save },
    ],
    onSlice: (records) => {
      // One chart update and one write of the numbers per frame, however many steps ran.
      for (const r of records) trainLoss.add(r.loss);
      chart.points = [...chart.points, ...records.map((r) => ({ step: r.step, trainLoss: r.loss }))];
      showStageNumbers();
    },
    onMetrics: () => refresh(true),
    onRunning: (on) => setRunning(on),
    onError: (e) => {
      const message = e instanceof Error ? e.message : String(e);
      byId('run-error').textContent = message;
      if (e instanceof DivergenceError) status.loss = e.value;
    },
  });
  chart.reset();
  trainLoss.clear();
  hints.clear();
  testLoss = undefined;
  testAccuracy = undefined;
  announced = 0;
  byId('run-error').textContent = '';
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
 */
async function refresh(all: boolean): Promise<void> {
  if (!all) {
    summary.show(sandbox.spec, sandbox.model, sandbox.inputShape);
    return;
  }
  const evaluation = await sandbox.evaluate();
  testLoss = evaluation.loss;
  testAccuracy = evaluation.accuracy;
  // While training, the live region speaks only at milestones; the big numbers show every refresh.
  if (controller?.running !== true || sandbox.step >= nextMilestone(announced)) {
    announced = sandbox.step;
    status.step = sandbox.step;
    status.loss = evaluation.loss;
    status.accuracy = evaluation.accuracy;
  }
  showStageNumbers();
  if (sandbox.step > 0) hints.update(sandbox, evaluation.loss, trainLoss.value, evaluation.accuracy);
  chart.push({
    step: sandbox.step,
    heldOutLoss: evaluation.loss,
    ...(evaluation.accuracy === undefined ? {} : { accuracy: evaluation.accuracy }),
  });
  if (controller?.running !== true) await redrawViews();
}

/** The pictures of the model (network, weights, map or curve, summary, snippet): each frame of its own. */
async function redrawViews(): Promise<void> {
  summary.show(sandbox.spec, sandbox.model, sandbox.inputShape);
  weights.tensors = await drawNetwork(network, sandbox);
  showSnippet(sandbox, savedFormat);
  if (!byId('map-section').hidden && map.points !== undefined) await map.redraw();
  if (!byId('fit-section').hidden) await curve.redraw();
}

/**
 * Training work per animation frame, in milliseconds. Steps run until the budget is spent (at least one), so
 * a frame stays far below the 50 ms of a long task whatever one step costs; the held-out refresh and the
 * autosave each get a frame of their own (the controller's periodic work).
 */
const frameBudgetMs = 12;

async function save(): Promise<void> {
  if (autosave === undefined || sandbox.trainer.lastLoss === null) return;
  try {
    const bytes = saveTorchZip(await buildGeneralCheckpoint(sandbox.checkpointParts()));
    await autosave.save({
      bytes,
      step: sandbox.step,
      loss: sandbox.trainer.lastLoss,
      label: serializeSetup(sandbox.setup),
    });
  } catch (e) {
    // A diverged model is refused by buildGeneralCheckpoint too; the last good save stays.
    if (!(e instanceof DivergenceError)) throw e;
  }
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

function pause(): void {
  controller?.pause();
}

function play(): void {
  const run = controller;
  if (run === undefined || run.running) return;
  // When the loop has stopped (after the step in flight at a pause): the status's step, then an autosave.
  void run.start().then(async () => {
    if (run !== controller) return;
    status.step = sandbox.step;
    showStageNumbers();
    await redrawViews();
    await save();
  });
  buttons.pause.focus();
}

function togglePlay(): void {
  if (text.toggle()) return;
  if (controller?.running === true) {
    pause();
    buttons.train.focus();
  } else play();
}

buttons.train.addEventListener('click', play);
buttons.pause.addEventListener('click', () => {
  pause();
  buttons.train.focus();
});
buttons.step.addEventListener('click', () => void controller?.stepOnce());
buttons.reset.addEventListener('click', () => {
  void controller?.reset().then(() => {
    chart.reset();
    trainLoss.clear();
    hints.clear();
    status.note = 'reset';
    announced = 0;
    byId('run-error').textContent = '';
    return refresh(true);
  });
});
/** Notes about the run that a loaded file makes stale (a resumed checkpoint sets a note of its own). */
const staleAfterLoad = new Set(['reset', 'paused', 'undone']);
keepLogScale(chart);

bar.addEventListener('pth-loaded', () => {
  if (staleAfterLoad.has(status.note)) status.note = '';
  void refresh(true);
});

// "k" plays and pauses (YouTube's key), anywhere but in a field that takes typing.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'k' || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target as HTMLElement;
  if (target.closest('input, textarea, select, [contenteditable]') !== null) return;
  if (
    event
      .composedPath()
      .some((el) => el instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))
  )
    return;
  event.preventDefault();
  togglePlay();
});

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

/**
 * Learning rate, weight decay and batch size apply to the running optimizer at its next step (its state
 * kept); anything else rebuilds the run (with an Undo). True when the change was live.
 */
function applyForm(): boolean {
  const current = text.setup ?? sandbox.setup;
  const { setup, problems } = readForm(form, current);
  byId('problems').textContent = problems.join(' ');
  if (!onlyLiveChanges(setup, current)) {
    void apply(setup, false);
    return false;
  }
  const change = { lr: setup.lr, wd: setup.wd, batch: setup.batch };
  if (text.applyLive(change)) return true;
  controller?.change((s) => {
    s.applyLive(change);
    history.replaceState(null, '', `?${serializeSetup(s.setup)}`);
  });
  return true;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  applyForm();
});
// A live setting takes effect as soon as it is changed (Enter, or leaving the field).
form.addEventListener('change', (event) => {
  const name = (event.target as HTMLInputElement).name;
  if (isLiveKey(name)) applyForm();
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
const csvInput = byId<HTMLInputElement>('csv-file');
csvInput.addEventListener('change', () => {
  const file = csvInput.files?.[0];
  if (file !== undefined) void useCsv(file).finally(() => (csvInput.value = ''));
});
// Before the checkpoint bar's page-wide drop (which takes checkpoint files): a dropped .csv is data.
document.addEventListener(
  'drop',
  (event) => {
    const file = event.dataTransfer?.files[0];
    if (file === undefined || !isCsvFile(file)) return;
    event.preventDefault();
    void useCsv(file);
  },
  { capture: true },
);
pad.addEventListener('pth-clear', () => clearDigit());

byId('copy-link').addEventListener('click', () => void copyLink());
bar.addEventListener('pth-saved', (event) => {
  savedFormat = (event as CustomEvent<{ format: SaveFormat }>).detail.format;
  showSnippet(sandbox, savedFormat);
});
byId('copy-snippet').addEventListener('click', () => {
  const code = byId('torch-snippet').textContent ?? '';
  void navigator.clipboard.writeText(code).then(
    () => (byId('snippet-note').textContent = 'Copied the PyTorch code.'),
    () => (byId('snippet-note').textContent = 'The clipboard was refused: select the code and copy it.'),
  );
});

fillSelect(form, 'dataset', datasetNames, { csv: 'CSV file (your own)' });
fillSelect(form, 'preset', presetNames, presetLabels);
fillSelect(form, 'optim', optimizerNames);
const initial = parseSetup(location.search);
byId('problems').textContent = initial.problems.join(' ');
await apply(initial.setup, true);
pthlab['ready'] = true;
