/**
 * The sandbox's setup in the page URL, so a tutorial can link to an exact run:
 *   ?dataset=spirals&preset=mlp&optim=adam&lr=0.01&seed=1
 * `parseSetup` reads a query string; every unknown key or bad value is reported (and its default used),
 * never silently accepted. `serializeSetup` writes the keys in one fixed order, so equal setups give equal
 * URLs. Plain TypeScript: no DOM.
 */
import { presetNames, type PresetName } from './presets.ts';

export const datasetNames = ['spirals', 'moons', 'circles', 'xor', 'blobs', 'sine', 'mnist'] as const;
export type DatasetName = (typeof datasetNames)[number];
export const optimizerNames = ['sgd', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof optimizerNames)[number];

export interface Setup {
  dataset: DatasetName;
  preset: PresetName;
  optim: OptimizerName;
  lr: number;
  seed: number;
  /** Rows per training step. */
  batch: number;
  /** Noise of the toy datasets (ignored by mnist). */
  noise: number;
  /** Rows of the toy datasets. */
  n: number;
}

export const defaultSetup: Readonly<Setup> = {
  dataset: 'spirals',
  preset: 'mlp',
  optim: 'adam',
  lr: 0.01,
  seed: 1,
  batch: 32,
  noise: 0.1,
  n: 300,
};

const order: readonly (keyof Setup)[] = ['dataset', 'preset', 'optim', 'lr', 'seed', 'batch', 'noise', 'n'];

export interface ParsedSetup {
  setup: Setup;
  /** One sentence per ignored key or value, for the page to show. */
  problems: string[];
}

type NumberRule = { min: number; max: number; integer: boolean };
const numberRules: Record<'lr' | 'seed' | 'batch' | 'noise' | 'n', NumberRule> = {
  lr: { min: 1e-6, max: 10, integer: false },
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
        setName(key, value, presetNames, (v) => (setup.preset = v), problems);
        break;
      case 'optim':
        setName(key, value, optimizerNames, (v) => (setup.optim = v), problems);
        break;
      case 'lr':
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
  if (setup.preset === 'cnn' && setup.dataset !== 'mnist') {
    problems.push(`preset=cnn needs image data (dataset=mnist); using preset=${defaultSetup.preset}`);
    setup.preset = defaultSetup.preset;
  }
  return { setup, problems };
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

/** The setup as a query string (without '?'), keys in a fixed order. */
export function serializeSetup(setup: Setup): string {
  const params = new URLSearchParams();
  for (const key of order) params.set(key, String(setup[key]));
  return params.toString();
}
