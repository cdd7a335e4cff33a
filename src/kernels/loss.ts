/**
 * Fused losses: forward value and the gradient w.r.t. the input for an upstream gradient of 1
 * (multiply by the upstream scalar for any other). Mean reduction, as torch's default.
 */
import { rowLogSumExp } from './softmax.ts';

/** torch.nn.CrossEntropyLoss's default ignore_index. */
export const DEFAULT_IGNORE_INDEX = -100;

export interface LossResult {
  loss: number;
  grad: Float32Array;
}

/**
 * cross_entropy(logits (n, c), targets (n,) int class ids), mean over the targets that are not ignoreIndex.
 * grad = (softmax(logits) - onehot(target)) / count, zero on ignored rows. All rows ignored gives NaN (as torch).
 */
export function crossEntropy(
  logits: Float32Array,
  targets: Int32Array,
  n: number,
  c: number,
  ignoreIndex = DEFAULT_IGNORE_INDEX,
): LossResult {
  if (logits.length !== n * c || targets.length !== n) throw new RangeError('cross_entropy: bad sizes');
  const grad = new Float32Array(n * c);
  let total = 0;
  let count = 0;
  for (let r = 0; r < n; r++) {
    const t = targets[r]!;
    if (t === ignoreIndex) continue;
    if (t < 0 || t >= c) throw new RangeError(`cross_entropy: target ${t} is out of bounds for ${c} classes`);
    const o = r * c;
    const lse = rowLogSumExp(logits, o, c);
    total += lse - logits[o + t]!;
    count++;
    for (let j = 0; j < c; j++) grad[o + j] = Math.exp(logits[o + j]! - lse);
    grad[o + t]! -= 1;
  }
  const scale = 1 / count;
  for (let i = 0; i < grad.length; i++) grad[i]! *= scale;
  return { loss: Math.fround(total / count), grad };
}

/** mse_loss(pred, target), mean over all elements; grad = 2 (pred - target) / n. */
export function mseLoss(pred: Float32Array, target: Float32Array): LossResult {
  if (pred.length !== target.length) throw new RangeError('mse_loss: pred and target differ in size');
  const n = pred.length;
  const grad = new Float32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i]! - target[i]!;
    total += d * d;
    grad[i] = (2 * d) / n;
  }
  return { loss: Math.fround(total / n), grad };
}
