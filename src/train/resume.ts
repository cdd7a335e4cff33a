/**
 * Resuming a general checkpoint in the sandbox as PyTorch would: with the file's optimizer (`pthlab.optimizer`,
 * or for a file PyTorch wrote without that entry, the kind its param_groups' keys show), its hyperparameters
 * (param_groups[0]'s lr and weight_decay, `pthlab.batch_size`), its optimizer state and its step. The model and
 * optimizer are built and loaded in a new Sandbox beside the current one, so a file that fails any check (a
 * state_dict mismatch, an optimizer state of another layout) leaves the page's sandbox as it was.
 * Plain TypeScript: no DOM.
 */
import { PyDict, type PyValue } from '../checkpoint/index.ts';
import { type GeneralCheckpoint, loadModelState } from './checkpoint.ts';
import { Sandbox } from './sandbox.ts';
import {
  type OptimizerName,
  isOptimizerName,
  optimizerFromGroup,
  optimizerNames,
  readHyperparameters,
} from '../optim/index.ts';
import { type Setup, parseSetup } from './setup.ts';

export interface Resumed {
  /** The new sandbox: the file's weights, optimizer and step, over the current sandbox's data. */
  sandbox: Sandbox;
  /** One line for the status: what was resumed, with which optimizer and hyperparameters. */
  note: string;
}

/** Loads a general checkpoint into a new Sandbox that takes the file's optimizer settings; throws on any mismatch. */
export async function resumeCheckpoint(current: Sandbox, ck: GeneralCheckpoint): Promise<Resumed> {
  const plan = resumePlan(current.setup, ck);
  // The data stays the page's (the file does not carry it): the new sandbox shares it.
  const next = await Sandbox.create(plan.setup, () => Promise.resolve(current.data), current.backend);
  loadModelState(next.model, ck.modelStateDict, next.backend);
  if (plan.optimizerState !== undefined) next.optimizer.loadStateDict(plan.optimizerState);
  const step = ck.step ?? 0;
  next.continueFrom(step);
  const settings = describeSettings(next);
  const note =
    plan.optimizerState !== undefined
      ? `resumed at step ${step} with ${settings} from the file`
      : `resumed at step ${step} from the file's weights; ${plan.why}, so ${settings} starts fresh`;
  const kept = plan.kept.length > 0 ? ` (${plan.kept.join('; ')})` : '';
  return { sandbox: next, note: note + kept };
}

interface ResumePlan {
  setup: Setup;
  /** The optimizer state to load, when the file has one this page's optimizers can take. */
  optimizerState: PyDict | undefined;
  /** Why the optimizer starts fresh, when it does. */
  why: string;
  /** The file's settings the URL cannot carry, kept at the page's value. */
  kept: string[];
}

/** The setup the file asks for: the page's data, the file's optimizer, lr, weight decay and batch size. */
export function resumePlan(setup: Setup, ck: GeneralCheckpoint): ResumePlan {
  const next: Setup = { ...setup };
  const kept: string[] = [];
  const take = <K extends 'lr' | 'wd' | 'batch'>(key: K, value: number | undefined, what: string): void => {
    if (value === undefined || value === setup[key]) return;
    if (fitsUrl(key, value)) next[key] = value;
    else kept.push(`the file's ${what} ${value} is outside what this page takes; ${key} stays ${setup[key]}`);
  };
  take('batch', ck.run.batchSize, 'batch_size');
  const state = ck.optimizerStateDict;
  const group = state === undefined ? undefined : firstGroup(state);
  const name = ck.run.optimizer ?? (group === undefined ? undefined : optimizerFromKeys(group));
  const known = name !== undefined && isOptimizerName(name);
  if (known) next.optim = name;
  let why = '';
  if (state === undefined) why = 'the file has no optimizer state';
  else if (name === undefined) why = "the file's optimizer could not be told from its param_groups";
  else if (!known) why = `the file's optimizer ${name} is not one of ${optimizerNames.join(', ')}`;
  if (why !== '') return { setup: next, optimizerState: undefined, why, kept };
  // What load_state_dict will put in the param group, so that the URL and the form say it too.
  take('lr', number(group?.get('lr')), 'lr');
  take('wd', number(group?.get('weight_decay')), 'weight_decay');
  return { setup: next, optimizerState: state, why, kept };
}

/** The optimizer a file PyTorch wrote (no `pthlab` entry) was made with, from its first param group's keys. */
export const optimizerFromKeys: (group: PyDict) => OptimizerName | undefined = optimizerFromGroup;

function firstGroup(state: PyDict): PyDict | undefined {
  const groups = state.get('param_groups');
  const first = Array.isArray(groups) ? groups[0] : undefined;
  return first instanceof PyDict ? first : undefined;
}

function number(v: PyValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** Whether the URL's rules (parseSetup's ranges) accept this value for key. */
function fitsUrl(key: 'lr' | 'wd' | 'batch', value: number): boolean {
  return parseSetup(new URLSearchParams({ [key]: String(value) })).problems.length === 0;
}

/** "sgd (lr 0.05, momentum 0.9, weight decay 0.001, batch 16)": the settings in effect after the load. */
function describeSettings(sandbox: Sandbox): string {
  const h = readHyperparameters(sandbox.optimizer);
  const parts = [`lr ${String(h.lr)}`];
  if (h.momentum !== undefined && h.momentum !== 0) parts.push(`momentum ${h.momentum}`);
  if (h.weightDecay !== undefined && h.weightDecay !== 0) parts.push(`weight decay ${h.weightDecay}`);
  parts.push(`batch ${sandbox.setup.batch}`);
  return `${sandbox.setup.optim} (${parts.join(', ')})`;
}
