/**
 * The one table of optimizers: each entry names its torch class, its hyperparameters (pthlab's names, torch's
 * names, torch's defaults), builds it, and tells whether a torch param_group was written by it. The sandbox,
 * resume and `pthlab train` read this table; a new optimizer is one more entry. Live changes (the sandbox's
 * controls while training) go through `setHyperparameters`, which validates before it changes anything, so
 * the optimizer's state (moments, momentum buffers) is kept and a saved checkpoint carries the new values.
 */
import type { PyDict } from '../checkpoint/values.ts';
import type { Module } from '../nn/module.ts';
import type { Tensor } from '../tensor/index.ts';
import { Adam, AdamW } from './adam.ts';
import { decayGroups } from './groups.ts';
import type { Optimizer } from './optimizer.ts';
import { SGD } from './sgd.ts';

export const optimizerNames = ['sgd', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof optimizerNames)[number];

/** Any of the table's optimizers, as the loop drives it. */
export type AnyOptimizer = Optimizer<object, unknown>;

/** The hyperparameters a person sets (pthlab's camelCase names; `torch` below gives torch's). */
export interface Hyperparameters {
  lr: number;
  weightDecay: number;
  momentum: number;
  betas: readonly [number, number];
}
export type HyperparameterName = keyof Hyperparameters;

export interface HyperparameterInfo {
  name: HyperparameterName;
  /** The key in torch's param_groups. */
  torch: string;
}

export interface OptimizerEntry {
  name: OptimizerName;
  /** The class in torch.optim. */
  torchClass: 'SGD' | 'Adam' | 'AdamW';
  /** The hyperparameters this optimizer takes, with torch's defaults. */
  defaults: Partial<Hyperparameters> & { lr: number; weightDecay: number };
  create(params: Iterable<Tensor> | readonly GroupInit[], settings: Partial<Hyperparameters>): AnyOptimizer;
}

/** A param group as an optimizer's constructor takes it: its tensors, and its own weight decay. */
export interface GroupInit {
  params: Iterable<Tensor>;
  weightDecay?: number;
}

const hyperparameterInfo: readonly HyperparameterInfo[] = [
  { name: 'lr', torch: 'lr' },
  { name: 'weightDecay', torch: 'weight_decay' },
  { name: 'momentum', torch: 'momentum' },
  { name: 'betas', torch: 'betas' },
];

export const optimizers: Readonly<Record<OptimizerName, OptimizerEntry>> = {
  sgd: {
    name: 'sgd',
    torchClass: 'SGD',
    defaults: { lr: 1e-3, weightDecay: 0, momentum: 0 },
    create: (params, s) => new SGD(params, pick(s, ['lr', 'weightDecay', 'momentum'])) as AnyOptimizer,
  },
  adam: {
    name: 'adam',
    torchClass: 'Adam',
    defaults: { lr: 1e-3, weightDecay: 0, betas: [0.9, 0.999] },
    create: (params, s) => new Adam(params, pick(s, ['lr', 'weightDecay', 'betas'])) as AnyOptimizer,
  },
  adamw: {
    name: 'adamw',
    torchClass: 'AdamW',
    defaults: { lr: 1e-3, weightDecay: 1e-2, betas: [0.9, 0.999] },
    create: (params, s) => new AdamW(params, pick(s, ['lr', 'weightDecay', 'betas'])) as AnyOptimizer,
  },
};

/** The hyperparameters `name` takes, in the order a form shows them. */
export function hyperparametersOf(name: OptimizerName): HyperparameterInfo[] {
  return hyperparameterInfo.filter((h) => h.name in optimizers[name].defaults);
}

/** Builds `name` over `params`; RangeError (torch's wording) for a value out of range. */
export function createOptimizer(
  name: OptimizerName,
  params: Iterable<Tensor>,
  settings: Partial<Hyperparameters> = {},
): AnyOptimizer {
  return optimizers[name].create(params, settings);
}

/**
 * The optimizer a model trains with: AdamW on a GPT takes nanoGPT's two param groups (groups.ts: tensors of
 * 2 or more dims decay, the rest do not), as its configure_optimizers builds them, so the state_dicts match
 * torch's; everything else one group of all parameters, torch's default.
 */
export function createOptimizerFor(
  name: OptimizerName,
  model: Module,
  settings: Partial<Hyperparameters> = {},
): AnyOptimizer {
  if (name === 'adamw' && model.typeName === 'GPT') {
    const wd = settings.weightDecay ?? optimizers.adamw.defaults.weightDecay;
    return optimizers.adamw.create(decayGroups(model, wd), settings);
  }
  return createOptimizer(name, model.parameters(), settings);
}

/** nanoGPT's no-decay group: every tensor of fewer than 2 dims (biases, LayerNorm weights). */
function isNoDecayGroup(optimizer: AnyOptimizer, group: { params: readonly Tensor[] }): boolean {
  return optimizer.paramGroups.length > 1 && group.params.every((p) => p.ndim < 2);
}

/** Which entry built `optimizer`, by class. */
export function optimizerName(optimizer: AnyOptimizer): OptimizerName {
  if (optimizer instanceof AdamW) return 'adamw';
  if (optimizer instanceof Adam) return 'adam';
  if (optimizer instanceof SGD) return 'sgd';
  throw new TypeError(`${optimizer.constructor.name} is not in the optimizer registry`);
}

/** The first param group's hyperparameters that `optimizer` takes. */
export function readHyperparameters(optimizer: AnyOptimizer): Partial<Hyperparameters> {
  const group = optimizer.paramGroups[0] as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const h of hyperparametersOf(optimizerName(optimizer))) out[h.name] = group[h.name];
  return out as Partial<Hyperparameters>;
}

/**
 * Sets hyperparameters on every param group of a live optimizer, as a torch scheduler does
 * (`group['lr'] = ...`): its state is kept, and the next `step()` uses the new values. Only the keys this
 * optimizer takes are accepted; every value is checked (by building a throwaway optimizer's validation)
 * before any group changes.
 */
export function setHyperparameters(optimizer: AnyOptimizer, settings: Partial<Hyperparameters>): void {
  const name = optimizerName(optimizer);
  const known = new Set(hyperparametersOf(name).map((h) => h.name));
  for (const key of Object.keys(settings))
    if (!known.has(key as HyperparameterName))
      throw new RangeError(`${optimizers[name].torchClass} has no hyperparameter ${key}`);
  const first = optimizer.paramGroups[0] as unknown as Record<string, unknown>;
  // The constructor's checks, on a parameter-free copy of the first group with the new values.
  validateSettings(name, { ...(first as Partial<Hyperparameters>), ...settings });
  // A new weight decay is for the groups that decay: nanoGPT's no-decay group keeps its 0.
  const { weightDecay: _decay, ...others } = settings;
  for (const group of optimizer.paramGroups)
    Object.assign(group, isNoDecayGroup(optimizer, group) ? others : settings);
}

/**
 * The optimizer a torch param_group was written by, from its keys: SGD has momentum and nesterov; Adam and
 * AdamW both have betas, and torch >= 2.7 says which in `decoupled_weight_decay`, while torch <= 2.6 lists
 * AdamW's keys with `foreach` before `maximize` and Adam's with `maximize` first (pthlab's groupToPy writes
 * the same orders).
 */
export function optimizerFromGroup(group: PyDict): OptimizerName | undefined {
  const keys = [...group.keys()].map(String);
  if (keys.includes('momentum') && keys.includes('nesterov')) return 'sgd';
  if (!keys.includes('betas')) return undefined;
  const decoupled = group.get('decoupled_weight_decay');
  if (typeof decoupled === 'boolean') return decoupled ? 'adamw' : 'adam';
  const foreach = keys.indexOf('foreach');
  const maximize = keys.indexOf('maximize');
  return foreach >= 0 && maximize >= 0 && foreach < maximize ? 'adamw' : 'adam';
}

export function isOptimizerName(name: string): name is OptimizerName {
  return (optimizerNames as readonly string[]).includes(name);
}

function validateSettings(name: OptimizerName, settings: Partial<Hyperparameters>): void {
  // A one-element tensor stand-in is enough for the constructor: it only counts and validates.
  const probe = { buffer: null, shape: [1] } as unknown as Tensor;
  optimizers[name].create([probe], settings);
}

function pick<K extends HyperparameterName>(s: Partial<Hyperparameters>, keys: readonly K[]) {
  const out: Partial<Pick<Hyperparameters, K>> = {};
  for (const k of keys) if (s[k] !== undefined) out[k] = s[k];
  return out;
}
