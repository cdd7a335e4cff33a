/**
 * The tools page (tools.html): two checkpoints A and B and the model (1 − α)·A + α·B between them, scored on
 * one of pthlab's seeded datasets (the slider's α, and the whole line α ∈ [−0.5, 1.5] as a chart and table);
 * the per-layer importance of A; and the weighted average of N files as a `.pth` download. The
 * model-management sections (folding, weight matching, pruning, the whole model) are tools-manage.ts's. Every change is
 * checked before it is applied: a file whose keys, shapes or dtypes do not fit, or data the model cannot
 * take, shows an error naming the keys and leaves the page as it was.
 */
import type { ModuleSpec } from '../nn/index.ts';
import {
  type SyntheticName,
  type TabularData,
  makeSynthetic,
  syntheticNames,
} from '../train/datasets/index.ts';
import { loadCheckpoint } from '../checkpoint/index.ts';
import { type DataInfo, computeLoss, readGeneralCheckpoint } from '../train/index.ts';
import {
  type Evaluation,
  type ModelFile,
  averageFiles,
  datasetTensors,
  evaluate,
  interpolate,
  lineAlphas,
  lossFor,
  lossLine,
  modelFor,
  parseWeightList,
  readModelFile,
  roundAlpha,
} from '../ui/fusion/line.ts';
import { gradientValues, parameterValues } from '../ui/importance/importance.ts';
import { compareModes } from '../ui/mode-compare/modes.ts';
import { type PresetName, presetLabels, presetSpec } from '../train/presets.ts';
import { formatNumber, formatPercent } from '../ui/shared.styles.ts';
import '../ui/tools-index.ts';
import { defaultSetup } from '../train/setup.ts';
import { refreshManage } from './tools-manage.ts';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface DataSettings {
  dataset: SyntheticName;
  seed: number;
  n: number;
  noise: number;
  preset: PresetName;
}

/** What the page shows, replaced as a whole only once a change has been checked. */
interface State {
  settings: DataSettings;
  data: TabularData;
  spec: ModuleSpec;
  a: ModelFile | undefined;
  b: ModelFile | undefined;
}

const dataForm = byId<HTMLFormElement>('data');
const slider = byId<HTMLInputElement>('alpha');
const result = byId<HTMLOutputElement>('alpha-result');
const lineError = byId<HTMLParagraphElement>('line-error');
const line = document.querySelector('pth-loss-line')!;
const importance = document.querySelector('pth-importance')!;
const modes = document.querySelector('pth-mode-compare')!;
const bareArchPresets: PresetName[] = ['linear', 'mlp', 'deep'];

function fillSelect(name: string, values: readonly string[], labels?: Record<string, string>): void {
  const select = dataForm.elements.namedItem(name) as HTMLSelectElement;
  select.replaceChildren(...values.map((v) => new Option(labels?.[v] ?? v, v)));
}

function field(name: string): HTMLInputElement {
  return dataForm.elements.namedItem(name) as HTMLInputElement;
}

function showSettings(s: DataSettings): void {
  for (const key of ['dataset', 'seed', 'n', 'noise', 'preset'] as const) field(key).value = String(s[key]);
}

function readSettings(): DataSettings {
  const number = (name: string, min: number, max: number, integer: boolean): number => {
    const v = Number(field(name).value);
    if (
      field(name).value.trim() === '' ||
      !Number.isFinite(v) ||
      v < min ||
      v > max ||
      (integer && !Number.isInteger(v))
    )
      throw new RangeError(
        `${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`,
      );
    return v;
  };
  return {
    dataset: field('dataset').value as SyntheticName,
    seed: number('seed', 0, 2 ** 32 - 1, true),
    n: number('n', 10, 100_000, true),
    noise: number('noise', 0, 2, false),
    preset: field('preset').value as PresetName,
  };
}

/** The architecture: A's `arch`, else B's, else the chosen preset sized to the data. */
function specFor(
  a: ModelFile | undefined,
  b: ModelFile | undefined,
  s: DataSettings,
  data: TabularData,
): ModuleSpec {
  const fromFile = a?.arch ?? b?.arch;
  if (fromFile !== undefined) return fromFile;
  const outputs = data.kind === 'classification' ? (data.classes ?? 2) : 1;
  return presetSpec(s.preset, { features: data.features, outputs });
}

/** Builds and checks the state a change asks for; throws (naming keys and shapes) if it does not fit. */
async function check(
  settings: DataSettings,
  a: ModelFile | undefined,
  b: ModelFile | undefined,
): Promise<State> {
  const data = makeSynthetic(settings.dataset, { n: settings.n, noise: settings.noise, seed: settings.seed });
  const spec = specFor(a, b, settings, data);
  if (a !== undefined && b !== undefined) interpolate(a, b, 0.5); // same keys, shapes and dtypes
  for (const f of [a, b]) {
    if (f === undefined) continue;
    try {
      await evaluate(modelFor(spec, f.stateDict), data);
    } catch (e) {
      throw new Error(`${f.name} does not fit the architecture and data: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
  return { settings, data, spec, a, b };
}

let state: State;
/** Increases with every applied state; a slower refresh of an older one is dropped. */
let generation = 0;
/** Increases with every slider move; only the latest move's result is shown. */
let alphaTicket = 0;

function describe(f: ModelFile | undefined, slot: 'A' | 'B', s: State): string {
  if (f === undefined) return `${slot}: none loaded.`;
  const kind = f.general ? 'general checkpoint' : 'state_dict';
  const arch =
    f.arch !== undefined
      ? 'its own arch'
      : (s.a?.arch ?? s.b?.arch)
        ? "the other file's arch"
        : `the ${s.settings.preset} preset`;
  return `${slot}: ${f.name}, a ${kind} of ${f.stateDict.size} tensors, scored with ${arch}.`;
}

function showResult(alpha: number, e: Evaluation): void {
  const parts = [
    `α = ${alpha}`,
    `${lossFor(state.data) === 'mse' ? 'MSE' : 'cross-entropy'} loss ${formatNumber(e.loss)}`,
  ];
  if (e.accuracy !== undefined) parts.push(`accuracy ${formatPercent(e.accuracy)}`);
  result.textContent = `${parts.join(' · ')} on ${state.data.n} ${state.settings.dataset} rows`;
  result.dataset['alpha'] = String(alpha);
  result.dataset['loss'] = String(e.loss);
  result.dataset['accuracy'] = e.accuracy === undefined ? '' : String(e.accuracy);
}

async function refreshAlpha(): Promise<void> {
  const mine = generation;
  const ticket = ++alphaTicket;
  const { a, b } = state;
  const alpha = roundAlpha(Number(slider.value));
  slider.setAttribute(
    'aria-valuetext',
    `α ${alpha}: ${formatPercent(1 - alpha)} of A, ${formatPercent(alpha)} of B`,
  );
  line.alpha = alpha;
  if (a === undefined || b === undefined) return;
  const e = await evaluate(modelFor(state.spec, interpolate(a, b, alpha)), state.data);
  if (mine === generation && ticket === alphaTicket) showResult(alpha, e);
}

async function refreshImportance(): Promise<void> {
  const mine = generation;
  const { a, data, spec } = state;
  if (a === undefined) {
    importance.weights = new Map();
    importance.gradients = undefined;
    modes.comparison = undefined;
    return;
  }
  const model = modelFor(spec, a.stateDict);
  const [x, y] = datasetTensors(data);
  computeLoss(lossFor(data), model.forward(x), y).backward();
  const weights = await parameterValues(model);
  const gradients = await gradientValues(model);
  if (mine !== generation) return;
  importance.weights = weights;
  importance.gradients = gradients;
  importance.gradientNote = `gradients of the ${lossFor(data) === 'mse' ? 'MSE' : 'cross-entropy'} loss on one batch of all ${data.n} rows`;
  const comparison = await compareModes(spec, a.stateDict, x);
  if (mine === generation) modes.comparison = comparison;
}

async function applyState(next: State): Promise<void> {
  state = next;
  showSettings(next.settings);
  generation++;
  const mine = generation;
  byId('info-a').textContent = describe(next.a, 'A', next);
  byId('info-b').textContent = describe(next.b, 'B', next);
  const both = next.a !== undefined && next.b !== undefined;
  slider.disabled = !both;
  if (!both) {
    result.textContent = 'Load checkpoints A and B.';
    delete result.dataset['alpha'];
    line.points = [];
  }
  await refreshImportance();
  await refreshAlpha();
  if (both) {
    const points = await lossLine(
      next.a as ModelFile,
      next.b as ModelFile,
      next.spec,
      next.data,
      lineAlphas(),
    );
    if (mine === generation) line.points = points;
  }
  document.body.dataset['ready'] = String(mine);
  const { a, b, spec, data, settings } = next;
  await refreshManage({ a, b, spec, data, dataKey: JSON.stringify(settings) }, () => mine === generation);
}

/** Checks a change; applies it, or shows why not and leaves everything (and the controls) as they were. */
async function change(
  make: () => Promise<[DataSettings, ModelFile | undefined, ModelFile | undefined]>,
  onRefused: () => void,
): Promise<void> {
  let next: State;
  try {
    next = await check(...(await make()));
  } catch (e) {
    lineError.textContent = (e as Error).message;
    onRefused();
    document.body.dataset['refused'] = String(Number(document.body.dataset['refused'] ?? 0) + 1);
    return;
  }
  lineError.textContent = '';
  await applyState(next);
}

async function readFile(file: File): Promise<ModelFile> {
  return readModelFile(file.name, new Uint8Array(await file.arrayBuffer()));
}

/**
 * The data a picked file was trained on: a general checkpoint of the sandbox records its generated dataset
 * (`pthlab.data`), and the page scores it on that, so a moons checkpoint is not refused on spirals.
 */
async function settingsFrom(file: File, settings: DataSettings): Promise<DataSettings> {
  let data: DataInfo | undefined;
  try {
    const { value } = loadCheckpoint(new Uint8Array(await file.arrayBuffer()));
    data = readGeneralCheckpoint(value).run.data;
  } catch {
    return settings; // a bare state_dict or safetensors file: the page's data stays
  }
  if (data === undefined || !(syntheticNames as readonly string[]).includes(data.dataset)) return settings;
  return {
    ...settings,
    dataset: data.dataset as SyntheticName,
    n: data.n,
    noise: data.noise,
    seed: data.seed,
  };
}

for (const slot of ['a', 'b'] as const) {
  const input = byId<HTMLInputElement>(`file-${slot}`);
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file === undefined) return;
    void change(
      async () => {
        const f = await readFile(file);
        const settings = await settingsFrom(file, state.settings);
        return slot === 'a' ? [settings, f, state.b] : [settings, state.a, f];
      },
      () => (input.value = ''),
    );
  });
}

dataForm.addEventListener('change', () => {
  void change(
    async () => [readSettings(), state.a, state.b],
    () => showSettings(state.settings),
  );
});
dataForm.addEventListener('submit', (e) => e.preventDefault());
slider.addEventListener('input', () => void refreshAlpha());

const averageForm = byId<HTMLFormElement>('average');
const averageFilesInput = byId<HTMLInputElement>('average-files');
const averageError = byId<HTMLParagraphElement>('average-error');
const averageResult = byId<HTMLOutputElement>('average-result');

averageForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void (async () => {
    averageResult.textContent = '';
    try {
      const chosen = [...(averageFilesInput.files ?? [])];
      if (chosen.length < 2) throw new RangeError('choose at least two checkpoint files to average');
      const weights = parseWeightList(byId<HTMLInputElement>('average-weights').value, chosen.length);
      const files = await Promise.all(chosen.map(readFile));
      const { parts, fused } = averageFiles(files, weights);
      const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type: 'application/octet-stream' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = 'average.pth';
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      averageError.textContent = '';
      const w = weights ?? files.map(() => 1 / files.length);
      averageResult.textContent = [
        `Averaged ${files.length} checkpoints (weights ${w.map((x) => Number(x.toPrecision(6))).join(', ')}) into average.pth: a state_dict of ${fused.stateDict.size} tensors (load it with load_state_dict).`,
        ...fused.notes.map((n) => `Note: ${n}.`),
      ].join(' ');
    } catch (e) {
      averageError.textContent = (e as Error).message;
    }
  })();
});

fillSelect('dataset', syntheticNames);
fillSelect('preset', bareArchPresets, presetLabels);
const initial: DataSettings = {
  dataset: 'spirals',
  seed: defaultSetup.seed,
  n: defaultSetup.n,
  noise: defaultSetup.noise,
  preset: 'mlp',
};
showSettings(initial);
void (async () => {
  await applyState(await check(initial, undefined, undefined));
})();
