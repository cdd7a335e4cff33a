/** Losses as compositions of primitives, mean reduction by default (torch.nn.functional names). */
import { Tensor } from '../tensor.ts';
import { logSoftmax } from './activation.ts';

export type Reduction = 'mean' | 'sum' | 'none';

/** (count, classes) 0/1 rows from int64 class ids; no gradient. ignoreIndex rows are all zero. */
export function oneHot(target: Tensor, classes: number, ignoreIndex = -100): Tensor {
  if (target.dtype !== 'int64') throw new TypeError(`expected scalar type Long but found ${target.dtype}`);
  const buf = target.backend.oneHot(target.buffer, target.numel, classes, ignoreIndex);
  return new Tensor(buf, [...target.shape, classes], 'float32', target.backend);
}

export interface CrossEntropyOptions {
  ignoreIndex?: number;
  reduction?: Reduction;
}

/**
 * cross_entropy(input (N, C), target): target is int64 class ids (N,) (mean over non-ignored rows, as torch)
 * or float class probabilities (N, C) (mean over N). Class weights and label smoothing are not supported.
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  if (input.ndim !== 2) throw new RangeError(`cross_entropy: expected input (N, C), got ${input.ndim}-D`);
  const reduction = opts.reduction ?? 'mean';
  const logp = logSoftmax(input, 1); // (N, C)
  if (target.dtype === 'float32') {
    const perRow = logp.mul(target).sum(1).neg(); // (N)
    return reduce(perRow, reduction);
  }
  const mask = oneHot(target, input.shape[1] as number, opts.ignoreIndex ?? -100); // (N, C)
  const picked = logp.mul(mask); // (N, C)
  if (reduction === 'none') return picked.sum(1).neg(); // (N)
  const total = picked.sum().neg();
  // Divide by the number of counted rows: a device scalar, so no readback inside a step.
  return reduction === 'sum' ? total : total.div(mask.sum());
}

/** nll_loss(log-probabilities (N, C), int64 target (N,)), mean over non-ignored rows. */
export function nllLoss(input: Tensor, target: Tensor, ignoreIndex = -100): Tensor {
  const mask = oneHot(target, input.shape[1] as number, ignoreIndex); // (N, C)
  return input.mul(mask).sum().neg().div(mask.sum());
}

export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return reduce(input.sub(target).square(), reduction);
}

function reduce(x: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? x : reduction === 'sum' ? x.sum() : x.mean();
}
