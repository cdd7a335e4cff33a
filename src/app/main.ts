/**
 * The sandbox page (index.html): the setup from the URL, a Sandbox over src/train, and the components of
 * src/ui fed from it. Train runs as many steps per animation frame as fit a small time budget, so the page stays responsive;
 * the held-out loss, decision map and weights refresh every few steps; the run is autosaved to IndexedDB
 * (never a diverged state) and restored after a reload of the same setup. The checkpoint inspector stays on
 * the page for files that are not this model's.
 */
import * as checkpoint from '../checkpoint/index.ts';
import { digestCheckpoint, digestJson } from '../checkpoint/inspect/digest.ts';
import { saveTorchZip } from '../checkpoint/index.ts';
import { type Backend, selectBackend } from '../tensor/index.ts';
import { ArchitectureError, DivergenceError, buildGeneralCheckpoint } from '../train/index.ts';
import { type Autosave, openAutosave } from '../ui/autosave.ts';
import { ModelCheckpoints } from '../ui/checkpoint-bar/actions.ts';
import type { LossPoint } from '../ui/loss-chart/pth-loss-chart.ts';
import { modulePredict } from '../ui/decision-map/module-predict.ts';
import '../ui/index.ts';
import { presetLabels, presetNames } from '../train/presets.ts';
import { type Setup, datasetNames, optimizerNames, parseSetup, serializeSetup } from '../train/setup.ts';
import { weightsFromModule } from '../ui/weights/from-module.ts';
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
const buttons = {
  train: byId<HTMLButtonElement>('train'),
  pause: byId<HTMLButtonElement>('pause'),
  step: byId<HTMLButtonElement>('step'),
  reset: byId<HTMLButtonElement>('reset'),
};

const source: DataSource = async (setup) => {
  if (setup.dataset !== 'mnist') return syntheticSource(setup);
  const { loadMnist } = await import('../train/datasets/mnist-browser.ts');
  return loadMnist({ perClass: 100, seed: setup.seed });
};

let sandbox: Sandbox;
// IndexedDB may be unavailable (private windows of some browsers): then nothing is autosaved.
const autosave: Autosave | undefined = await openAutosave().catch(() => undefined);
let running = false;

function fillSelect(name: string, values: readonly string[], labels?: Record<string, string>): void {
  const select = form.elements.namedItem(name) as HTMLSelectElement;
  select.replaceChildren(...values.map((v) => new Option(labels?.[v] ?? v, v)));
}

/** The setup's keys the form edits (the others, noise, n and arch, come from the URL). */
const formKeys = ['dataset', 'preset', 'optim', 'lr', 'wd', 'batch', 'seed'] as const;

function showSetup(setup: Setup): void {
  for (const key of formKeys) (form.elements.namedItem(key) as HTMLInputElement).value = String(setup[key]);
}

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

async function apply(setup: Setup, restore: boolean): Promise<void> {
  pause();
  let next: Sandbox;
  try {
    next = await Sandbox.create(setup, source, await device);
  } catch (e) {
    if (!(e instanceof ArchitectureError)) throw e;
    // An `arch` from a link that does not fit its data: say why, and train the preset instead.
    byId('problems').textContent += ` ${e.message}; using the preset.`;
    const { arch: _unfit, ...withoutArch } = setup;
    return apply(withoutArch, restore);
  }
  await install(next, restore);
}

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
  showSetup(setup);
  showEditor();
  const twoD = sandbox.data.kind === 'classification' && sandbox.data.features === 2;
  byId('map-section').hidden = !twoD;
  byId('pad-section').hidden = setup.dataset !== 'mnist';
  map.points = twoD ? sandbox.data : undefined;
  map.predict = twoD ? modulePredict(() => sandbox.model, sandbox.backend) : undefined;
  // The new sandbox keeps the page's data (neither a checkpoint nor an architecture changes it).
  const sameData = () => Promise.resolve(sandbox.data);
  bar.actions = new ModelCheckpoints({
    model: () => sandbox.model,
    backend: sandbox.backend,
    baseName: `${setup.dataset}_${setup.preset}`,
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
  chart.reset();
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

/** Re-reads the model into the views; `all` also re-evaluates and redraws (slower). */
async function refresh(all: boolean): Promise<void> {
  status.step = sandbox.step;
  summary.show(sandbox.spec, sandbox.model, sandbox.inputShape);
  if (!all) return;
  const evaluation = await sandbox.evaluate();
  status.loss = sandbox.trainer.lastLoss ?? evaluation.loss;
  status.accuracy = evaluation.accuracy;
  chart.push({
    step: sandbox.step,
    heldOutLoss: evaluation.loss,
    ...(evaluation.accuracy === undefined ? {} : { accuracy: evaluation.accuracy }),
  });
  weights.tensors = await weightsFromModule(sandbox.model);
  if (!byId('map-section').hidden && map.points !== undefined) await map.redraw();
}

/**
 * Training work per animation frame, in milliseconds. Steps run until the budget is spent (at least one), so
 * a frame stays far below the 50 ms of a long task whatever one step costs; the held-out refresh and the
 * autosave each get a frame of their own.
 */
const frameBudgetMs = 12;
// Set when a step lands on a multiple of 20 (refresh the views) or 100 (autosave): done at exactly that step.
let refreshDue = false;
let saveDue = false;

/** Trains `count` steps, or for `budgetMs`, stopping early at a step that is due a refresh. */
async function trainSteps(limit: { count: number } | { budgetMs: number }): Promise<boolean> {
  const start = performance.now();
  const points: LossPoint[] = [];
  try {
    for (let i = 1; ; i++) {
      const r = await sandbox.trainStep();
      status.step = r.step;
      status.loss = r.loss;
      if (r.accuracy !== undefined) status.accuracy = r.accuracy;
      points.push({ step: r.step, trainLoss: r.loss });
      if (r.step % 20 === 0) refreshDue = true;
      if (r.step % 100 === 0) saveDue = true;
      const done = 'count' in limit ? i >= limit.count : performance.now() - start >= limit.budgetMs;
      if (done || refreshDue) return true;
    }
  } catch (e) {
    pause();
    const message = e instanceof Error ? e.message : String(e);
    byId('run-error').textContent = message;
    if (e instanceof DivergenceError) status.loss = e.value;
    return false;
  } finally {
    // One chart update per frame, however many steps ran.
    if (points.length > 0) chart.points = [...chart.points, ...points];
  }
}

/** The refresh or autosave a step asked for, if any; true when there was one. */
async function dueWork(): Promise<boolean> {
  if (refreshDue) {
    refreshDue = false;
    await refresh(true);
    return true;
  }
  if (saveDue) {
    saveDue = false;
    await save();
    return true;
  }
  return false;
}

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
  running = on;
  buttons.train.disabled = on;
  buttons.step.disabled = on;
  buttons.pause.disabled = !on;
  status.note = on ? 'training' : status.note === 'training' ? 'paused' : status.note;
}

function pause(): void {
  if (running) setRunning(false);
}

async function loop(): Promise<void> {
  while (running) {
    if (!(await dueWork()) && !(await trainSteps({ budgetMs: frameBudgetMs }))) break;
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  await save();
}

buttons.train.addEventListener('click', () => {
  setRunning(true);
  buttons.pause.focus();
  void loop();
});
buttons.pause.addEventListener('click', () => {
  pause();
  buttons.train.focus();
});
buttons.step.addEventListener(
  'click',
  () =>
    void trainSteps({ count: 1 }).then(async () => {
      refreshDue = false;
      await refresh(true);
      if (saveDue) await dueWork();
    }),
);
buttons.reset.addEventListener('click', () => {
  pause();
  sandbox.reset();
  chart.reset();
  status.note = 'reset';
  byId('run-error').textContent = '';
  status.loss = undefined;
  status.accuracy = undefined;
  void refresh(true);
});
bar.addEventListener('pth-loaded', () => void refresh(true));

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
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const values = new FormData(form);
  const query = new URLSearchParams(location.search);
  for (const key of formKeys) query.set(key, String(values.get(key)));
  // Picking another preset means that preset: the architecture of one's own (arch) goes; other changes keep it.
  if (values.get('preset') !== sandbox.setup.preset) query.delete('arch');
  const { setup, problems } = parseSetup(query);
  byId('problems').textContent = problems.join(' ');
  void apply(setup, false);
});
pad.addEventListener('pth-draw', () => void predictDigit());

/**
 * "Copy link": the page's URL, which carries the whole setup (apply() keeps it current), on the clipboard.
 * Where the clipboard is refused (no permission, an insecure origin), the link is shown to copy by hand.
 */
async function copyLink(): Promise<void> {
  const note = byId('link-note');
  try {
    await navigator.clipboard.writeText(location.href);
    note.textContent = `Copied the link to this setup: ${location.href}`;
  } catch {
    note.textContent = `Copy this link to the setup: ${location.href}`;
  }
}
byId('copy-link').addEventListener('click', () => void copyLink());

async function predictDigit(): Promise<void> {
  const { fromHost, noGrad } = await import('../tensor/index.ts');
  // Resized by the WGSL kernel where there is a WebGPU adapter (the pad says where).
  const digit = await pad.readMnist();
  const m = sandbox.model;
  m.eval();
  const logits = await noGrad(() =>
    m.forward(fromHost(digit, [1, 1, 28, 28], { backend: sandbox.backend })),
  ).data();
  m.train();
  let best = 0;
  for (let c = 1; c < logits.length; c++) if ((logits[c] as number) > (logits[best] as number)) best = c;
  byId('prediction').textContent = `The model reads ${best}.`;
}

fillSelect('dataset', datasetNames);
fillSelect('preset', presetNames, presetLabels);
fillSelect('optim', optimizerNames);
const initial = parseSetup(location.search);
byId('problems').textContent = initial.problems.join(' ');
await apply(initial.setup, true);
pthlab['ready'] = true;
