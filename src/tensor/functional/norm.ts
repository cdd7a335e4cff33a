/** layer_norm (a fused primitive, and its composite) and batch_norm (a composite of primitives). */
import { noGrad } from '../autograd.ts';
import { ops } from '../ops.ts';
import { type Tensor, apply, full } from '../tensor.ts';

/**
 * layer_norm over the last normalizedShape.length dims: (x - mean) / sqrt(var_biased + eps) * w + b. The fused
 * primitive ops.layerNorm, one kernel forward and two backward (attention blocks call it twice a layer),
 * where weight and bias are given or absent together and of normalizedShape; else the composite, which
 * test/unit/engine/fused.test.ts holds the primitive equal to.
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  checkNormalizedShape(x, normalizedShape);
  const d = normalizedShape.reduce((a, n) => a * n, 1);
  const fits = (t: Tensor | null) => t === null || t.numel === d;
  if (x.numel === 0 || !fits(weight) || !fits(bias))
    return layerNormComposite(x, normalizedShape, weight, bias, eps);
  // Without affine (or without bias: LayerNorm(bias=False)), constant ones and zeros that need no gradient.
  const gamma = weight ?? full([d], 1, { backend: x.backend });
  const beta = bias ?? full([d], 0, { backend: x.backend });
  return apply(ops.layerNorm, [x, gamma, beta], { d, eps });
}

function checkNormalizedShape(x: Tensor, normalizedShape: readonly number[]): void {
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new RangeError(
      `Given normalized_shape=[${normalizedShape.join(', ')}], expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size[${x.shape.join(', ')}]`,
    );
  }
}

/** layer_norm from primitives (mean, var, sub, div, sqrt, and mul/add for the affine). */
export function layerNormComposite(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  checkNormalizedShape(x, normalizedShape);
  const k = normalizedShape.length;
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const mean = x.mean(dims, true);
  const variance = x.var(dims, { correction: 0, keepdim: true });
  let y = x.sub(mean).div(variance.add(eps).sqrt());
  if (weight !== null) y = y.mul(weight);
  if (bias !== null) y = y.add(bias);
  return y;
}

/**
 * batch_norm over (N, C, *): per channel C. Training (or no running stats) normalises with the batch's
 * biased variance and, where running stats are given, updates them in place (no graph) with the
 * UNBIASED variance: running = (1 - momentum) * running + momentum * batch, as torch.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  training: boolean,
  momentum: number,
  eps: number,
): Tensor {
  if (x.ndim < 2) throw new RangeError(`batch_norm: expected (N, C, *), got ${x.ndim}-D`);
  const c = x.shape[1] as number;
  const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const count = x.numel / c;
  // (1, C, 1, ...) broadcasts a per-channel vector over (N, C, *).
  const channel = (t: Tensor): Tensor => t.reshape(1, c, ...x.shape.slice(2).map(() => 1));
  let mean: Tensor;
  let variance: Tensor;
  if (training || runningMean === null || runningVar === null) {
    if (training && count <= 1)
      throw new RangeError(
        `Expected more than 1 value per channel when training, got input size [${x.shape.join(', ')}]`,
      );
    mean = x.mean(dims, true);
    variance = x.var(dims, { correction: 0, keepdim: true });
    if (training && runningMean !== null && runningVar !== null) {
      noGrad(() => {
        const unbiased = variance.reshape(c).mul(count / (count - 1));
        const m = mean.reshape(c);
        runningMean.backend.assign(
          runningMean.buffer,
          runningMean.mul(1 - momentum).add(m.mul(momentum)).buffer,
        );
        runningVar.backend.assign(
          runningVar.buffer,
          runningVar.mul(1 - momentum).add(unbiased.mul(momentum)).buffer,
        );
      });
    }
  } else {
    mean = channel(runningMean);
    variance = channel(runningVar);
  }
  let y = x.sub(mean).div(variance.add(eps).sqrt());
  if (weight !== null) y = y.mul(channel(weight));
  if (bias !== null) y = y.add(channel(bias));
  return y;
}
