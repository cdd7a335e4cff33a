/**
 * Unstructured magnitude pruning of every Linear and Conv2d weight, as `torch.nn.utils.prune` does it:
 * the `amount` lowest-scoring elements of each weight (or, `global`, of all of them together, as
 * `prune.global_unstructured`) get mask 0. Scores are |w| (`l1_unstructured`) unless given (Taylor: |g·w|).
 * `amount` is a fraction of the elements (rounded half to even, as Python's `round`) or, when `count`, a
 * number of them: torch's float-versus-int distinction.
 *
 * The result is in torch's layout after `prune.l1_unstructured(module, 'weight', amount)`: each pruned
 * module's `weight` becomes the `weight_orig` parameter (after the module's other parameters) and a
 * `weight_mask` buffer of the weight's dtype, so a module prepared with `prune.identity` loads it strictly.
 * With `remove`, as after `prune.remove`, the weight is `weight_orig * mask` under its own name again.
 *
 * Deviation: among elements with equal scores, the earlier index is pruned first; torch's `topk` leaves
 * the order of ties unspecified, so masks can differ from torch's only where scores tie at the threshold.
 */
import { PyDict, type PyValue, StoredTensor } from '../checkpoint/index.ts';
import type { ModuleSpec } from '../nn/index.ts';
import { elementsOf, floatTensorLike, isFloating } from './elements.ts';
import { AnalysisError } from './errors.ts';

export interface PruneOptions {
  readonly amount: number;
  /** `amount` counts elements (a Python int) rather than a fraction (a float). */
  readonly count?: boolean;
  readonly global?: boolean;
  readonly remove?: boolean;
  /** Per-element scores by weight key (`0.weight`); |w| where absent. */
  readonly scores?: ReadonlyMap<string, ArrayLike<number>>;
}

export interface Pruned {
  readonly stateDict: PyDict;
  /** Mask (1 kept, 0 pruned) per weight key, in C order. */
  readonly masks: Map<string, Uint8Array>;
  readonly pruned: number;
  readonly total: number;
}

/** The prefixes (`0.`, `3.`, or `` for a lone layer) of the Linear and Conv2d layers of `arch`. */
export function prunableLayers(arch: ModuleSpec): string[] {
  if (arch.type === 'Linear' || arch.type === 'Conv2d') return [''];
  const layers = arch.type === 'Sequential' ? arch['layers'] : undefined;
  if (!Array.isArray(layers))
    throw new AnalysisError('prune: the architecture must be a Sequential of layers');
  return (layers as ModuleSpec[]).flatMap((l, i) =>
    l.type === 'Linear' || l.type === 'Conv2d' ? [`${i}.`] : [],
  );
}

export function pruneStateDict(
  arch: ModuleSpec,
  stateDict: ReadonlyMap<PyValue, PyValue>,
  options: PruneOptions,
): Pruned {
  const prefixes = prunableLayers(arch);
  if (prefixes.length === 0) throw new AnalysisError('prune: the architecture has no Linear or Conv2d layer');
  const tensors = new Map([...stateDict].map(([k, v]) => [String(k), v]));
  const weights = prefixes.map((p) => {
    const key = `${p}weight`;
    const t = tensors.get(key);
    if (!(t instanceof StoredTensor) || !isFloating(t))
      throw new AnalysisError(`prune: the state_dict has no floating-point tensor ${key}`);
    const values = elementsOf(t, key);
    const given = options.scores?.get(key);
    if (given !== undefined && given.length !== values.length)
      throw new AnalysisError(
        `prune: ${given.length} scores for ${key}, which has ${values.length} elements`,
      );
    const scores = given === undefined ? values.map(Math.abs) : Float64Array.from(given);
    return { key, prefix: p, t, values, scores };
  });
  const masks = new Map<string, Uint8Array>();
  if (options.global === true) {
    const all = new Float64Array(weights.reduce((n, w) => n + w.scores.length, 0));
    let at = 0;
    for (const w of weights) {
      all.set(w.scores, at);
      at += w.scores.length;
    }
    const mask = maskOf(all, options);
    at = 0;
    for (const w of weights) {
      masks.set(w.key, mask.slice(at, at + w.scores.length));
      at += w.scores.length;
    }
  } else for (const w of weights) masks.set(w.key, maskOf(w.scores, options));

  // Keys grouped by layer in first-seen order; in a pruned layer, weight_orig (or the pruned weight) and
  // weight_mask come after the layer's other parameters, as torch re-registers them.
  const byPrefix = new Map(weights.map((w) => [w.prefix, w]));
  const groups = new Map<string, string[]>();
  for (const key of tensors.keys()) {
    const layer = prefixes.find((p) => key.startsWith(p) && !key.slice(p.length).includes('.')) ?? key;
    groups.set(layer, [...(groups.get(layer) ?? []), key]);
  }
  for (const w of weights) if (!groups.has(w.prefix)) groups.set(w.prefix, []);
  const out = new PyDict('OrderedDict');
  for (const [layer, keys] of groups) {
    const w = byPrefix.get(layer);
    for (const key of keys) if (key !== w?.key) out.set(key, tensors.get(key) as PyValue);
    if (w !== undefined) appendPruned(out, w, masks.get(w.key) as Uint8Array, options.remove === true);
  }
  let pruned = 0;
  for (const m of masks.values()) for (const v of m) pruned += 1 - v;
  return { stateDict: out, masks, pruned, total: weights.reduce((n, w) => n + w.values.length, 0) };
}

function appendPruned(
  out: PyDict,
  w: { key: string; prefix: string; t: StoredTensor; values: Float64Array },
  mask: Uint8Array,
  remove: boolean,
): void {
  if (remove) {
    out.set(
      w.key,
      floatTensorLike(
        w.t,
        w.values.map((v, i) => v * (mask[i] as number)),
        w.key,
      ),
    );
    return;
  }
  out.set(`${w.prefix}weight_orig`, w.t);
  out.set(`${w.prefix}weight_mask`, floatTensorLike(w.t, Float64Array.from(mask), `${w.prefix}weight_mask`));
}

/** torch's `_compute_nparams_toprune` and `_validate_pruning_amount`, then the lowest scores masked. */
function maskOf(scores: Float64Array, options: PruneOptions): Uint8Array {
  const n = scores.length;
  const { amount } = options;
  if (options.count === true) {
    if (!Number.isInteger(amount) || amount < 0)
      throw new AnalysisError(`prune: amount=${amount} should be a non-negative integer`);
  } else if (!(amount >= 0 && amount <= 1))
    throw new AnalysisError(`prune: amount=${amount} should be a float in the range [0, 1]`);
  const k = options.count === true ? amount : roundHalfEven(amount * n);
  if (k > n)
    throw new AnalysisError(
      `prune: amount=${k} should be smaller than the number of parameters to prune=${n}`,
    );
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number) || a - b,
  );
  const mask = new Uint8Array(n).fill(1);
  for (let i = 0; i < k; i++) mask[order[i] as number] = 0;
  return mask;
}

/** Python's `round(x)`: halves go to the even integer. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}
