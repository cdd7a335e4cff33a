/**
 * The sandbox's setup in the page URL, so a tutorial can link to an exact run:
 *   ?dataset=spirals&preset=mlp&optim=adam&lr=0.01&seed=1
 * A model edited by hand travels as `arch`, DESIGN.md's architecture JSON, in place of the preset.
 * `parseSetup` reads a query string; every unknown key or bad value is reported (and its default used),
 * never silently accepted. `serializeSetup` writes the keys in one fixed order, so equal setups give equal
 * URLs. Plain TypeScript: no DOM.
 */
import type { ModuleSpec } from '../nn/index.ts';
import { type OptimizerName, optimizerNames } from '../optim/registry.ts';
import { type PresetName, allPresetNames, gptPresets, isGptPreset } from './presets.ts';

/**
 * `csv` is a CSV file of the person's own: the page keeps its text (a URL cannot carry it). `text` is the
 * character-level corpus, trained by a GPT preset (the text sandbox, text-sandbox.ts).
 */
export const datasetNames = [
  'spirals',
  'moons',
  'circles',
  'xor',
  'blobs',
  'sine',
  'mnist',
  'csv',
  'text',
] as const;
export type DatasetName = (typeof datasetNames)[number];
// The optimizers are the registry's (src/optim/registry.ts); re-exported for the page and the tests.
export { type OptimizerName, optimizerNames };

export interface Setup {
  dataset: DatasetName;
  preset: PresetName;
  optim: OptimizerName;
  lr: number;
  /** The optimizer's weight_decay. */
  wd: number;
  seed: number;
  /** Rows per training step. */
  batch: number;
  /** Noise of the toy datasets (ignored by mnist). */
  noise: number;
  /** Rows of the toy datasets. */
  n: number;
  /** An architecture of the person's own, used instead of the preset when set. */
  arch?: ModuleSpec;
}

export const defaultSetup: Readonly<Setup> = {
  dataset: 'spirals',
  preset: 'mlp',
  optim: 'adam',
  lr: 0.01,
  wd: 0,
  seed: 1,
  batch: 32,
  noise: 0.1,
  n: 300,
};

const order: readonly (keyof Setup)[] = [
  'dataset',
  'preset',
  'optim',
  'lr',
  'wd',
  'seed',
  'batch',
  'noise',
  'n',
  'arch',
];

export interface ParsedSetup {
  setup: Setup;
  /** One sentence per ignored key or value, for the page to show. */
  problems: string[];
}

type NumberRule = { min: number; max: number; integer: boolean };
const numberRules: Record<'lr' | 'wd' | 'seed' | 'batch' | 'noise' | 'n', NumberRule> = {
  lr: { min: 1e-6, max: 10, integer: false },
  wd: { min: 0, max: 1, integer: false },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  batch: { min: 1, max: 4096, integer: true },
  noise: { min: 0, max: 2, integer: false },
  n: { min: 10, max: 100_000, integer: true },
};

export function parseSetup(query: string | URLSearchParams): ParsedSetup {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  const setup: Setup = { ...defaultSetup };
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [key, value] of params) {
    if (seen.has(key)) {
      problems.push(`'${key}' is given more than once; the first value is used`);
      continue;
    }
    seen.add(key);
    switch (key) {
      case 'dataset':
        setName(key, value, datasetNames, (v) => (setup.dataset = v), problems);
        break;
      case 'preset':
        setName(key, value, allPresetNames, (v) => (setup.preset = v), problems);
        break;
      case 'optim':
        setName(key, value, optimizerNames, (v) => (setup.optim = v), problems);
        break;
      case 'arch': {
        const arch = parseArch(value);
        if (typeof arch === 'string') problems.push(`arch is not an architecture: ${arch}; using the preset`);
        else setup.arch = arch;
        break;
      }
      case 'lr':
      case 'wd':
      case 'seed':
      case 'batch':
      case 'noise':
      case 'n': {
        const rule = numberRules[key];
        const v = value.trim() === '' ? NaN : Number(value);
        const kind = rule.integer ? 'a whole number' : 'a number';
        if (!Number.isFinite(v) || (rule.integer && !Number.isInteger(v)) || v < rule.min || v > rule.max) {
          problems.push(
            `${key}=${value} is not ${kind} from ${rule.min} to ${rule.max}; using ${defaultSetup[key]}`,
          );
        } else {
          setup[key] = v;
        }
        break;
      }
      default:
        problems.push(`'${key}' is not a setting (known: ${order.join(', ')}); it is ignored`);
    }
  }
  if (setup.arch === undefined && setup.preset === 'cnn' && setup.dataset !== 'mnist') {
    problems.push(`preset=cnn needs image data (dataset=mnist); using preset=${defaultSetup.preset}`);
    setup.preset = defaultSetup.preset;
  }
  if (setup.dataset === 'text') textSetup(setup, seen, problems);
  else if (isGptPreset(setup.preset)) {
    problems.push(`preset=${setup.preset} needs text (dataset=text); using preset=${defaultSetup.preset}`);
    setup.preset = defaultSetup.preset;
  }
  return { setup, problems };
}

/**
 * The text dataset trains a GPT preset as nanoGPT does: AdamW with weight decay 0.1, and the preset's
 * learning rate and batch size where the URL does not give them. An architecture of one's own (`arch`)
 * is not taken here: a GPT of another size comes as a nanoGPT ckpt.pt.
 */
function textSetup(setup: Setup, given: ReadonlySet<string>, problems: string[]): void {
  if (!isGptPreset(setup.preset)) {
    if (given.has('preset'))
      problems.push(`dataset=text needs a GPT preset (gpt-tiny, gpt-baby); using preset=gpt-tiny`);
    setup.preset = 'gpt-tiny';
  }
  if (setup.arch !== undefined) {
    problems.push('dataset=text trains a GPT preset; the arch is ignored');
    delete setup.arch;
  }
  if (setup.optim !== 'adamw') {
    if (given.has('optim')) problems.push(`dataset=text trains with AdamW (nanoGPT's); using optim=adamw`);
    setup.optim = 'adamw';
  }
  const preset = gptPresets[setup.preset];
  if (!given.has('lr')) setup.lr = preset.lr;
  if (!given.has('batch')) setup.batch = preset.batch;
  if (!given.has('wd')) setup.wd = 0.1;
}

function setName<T extends string>(
  key: string,
  value: string,
  names: readonly T[],
  set: (v: T) => void,
  problems: string[],
): void {
  if ((names as readonly string[]).includes(value)) set(value as T);
  else problems.push(`${key}=${value} is not one of ${names.join(', ')}; it is ignored`);
}

/**
 * The JSON of an `arch` value, or why it is not one. Only the outer form is checked here (an object with a
 * `type`); whether the layers build and fit the data is the Sandbox's check, which needs the data.
 */
function parseArch(text: string): ModuleSpec | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'it is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it is not a JSON object';
  if (typeof (value as { type?: unknown }).type !== 'string') return 'it has no "type"';
  return value as ModuleSpec;
}

/** The setup as a query string (without '?'), keys in a fixed order; `arch` only when there is one. */
export function serializeSetup(setup: Setup): string {
  const params = new URLSearchParams();
  for (const key of order) {
    // The text corpus has no noise or row count.
    if (setup.dataset === 'text' && (key === 'noise' || key === 'n')) continue;
    const value = setup[key];
    if (value !== undefined)
      params.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return params.toString();
}
