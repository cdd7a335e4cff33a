/**
 * batch_norm over (n, c, l) (l = h*w for BatchNorm2d, 1 for BatchNorm1d on (n, c)), as torch.
 * Training: normalise with the biased batch variance; update running stats with momentum and the
 * UNBIASED batch variance: running = (1 - momentum) * running + momentum * batch_stat.
 * Evaluation: normalise with the running stats.
 */

export interface BatchNormShape {
  n: number;
  c: number;
  l: number;
}

export interface BatchNormParams {
  eps: number;
  momentum: number;
}

/** torch.nn.BatchNorm*d defaults. */
export const BATCH_NORM_DEFAULTS: BatchNormParams = { eps: 1e-5, momentum: 0.1 };

export interface BatchNormTrainResult {
  y: Float32Array;
  /** Per-channel batch mean and 1/sqrt(biased var + eps), saved for the backward. */
  mean: Float32Array;
  invStd: Float32Array;
}

/** Training forward. Updates runningMean / runningVar in place when given (track_running_stats). */
export function batchNormTrain(
  x: Float32Array,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  runningMean: Float32Array | null,
  runningVar: Float32Array | null,
  s: BatchNormShape,
  p: BatchNormParams = BATCH_NORM_DEFAULTS,
): BatchNormTrainResult {
  const { n, c, l } = s;
  const count = n * l;
  const y = new Float32Array(x.length);
  const mean = new Float32Array(c);
  const invStd = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let b = 0; b < n; b++) for (let i = 0, o = (b * c + ch) * l; i < l; i++) sum += x[o + i]!;
    const mu = sum / count;
    let sq = 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0, o = (b * c + ch) * l; i < l; i++) {
        const d = x[o + i]! - mu;
        sq += d * d;
      }
    }
    const varBiased = sq / count;
    const rstd = 1 / Math.sqrt(varBiased + p.eps);
    mean[ch] = mu;
    invStd[ch] = rstd;
    const g = gamma ? gamma[ch]! : 1;
    const bt = beta ? beta[ch]! : 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0, o = (b * c + ch) * l; i < l; i++) y[o + i] = (x[o + i]! - mu) * rstd * g + bt;
    }
    if (runningMean) runningMean[ch] = (1 - p.momentum) * runningMean[ch]! + p.momentum * mu;
    if (runningVar) {
      const varUnbiased = count > 1 ? sq / (count - 1) : NaN;
      runningVar[ch] = (1 - p.momentum) * runningVar[ch]! + p.momentum * varUnbiased;
    }
  }
  return { y, mean, invStd };
}

/** Evaluation forward: y = (x - running_mean) / sqrt(running_var + eps) * gamma + beta. */
export function batchNormEval(
  x: Float32Array,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  runningMean: Float32Array,
  runningVar: Float32Array,
  s: BatchNormShape,
  eps = BATCH_NORM_DEFAULTS.eps,
): Float32Array {
  const { n, c, l } = s;
  const y = new Float32Array(x.length);
  for (let ch = 0; ch < c; ch++) {
    const scale = (gamma ? gamma[ch]! : 1) / Math.sqrt(runningVar[ch]! + eps);
    const shift = (beta ? beta[ch]! : 0) - runningMean[ch]! * scale;
    for (let b = 0; b < n; b++)
      for (let i = 0, o = (b * c + ch) * l; i < l; i++) y[o + i] = x[o + i]! * scale + shift;
  }
  return y;
}

export interface NormBackwardResult {
  dx: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
}

/** Training-mode backward from the saved batch mean and invStd. */
export function batchNormBackward(
  dy: Float32Array,
  x: Float32Array,
  gamma: Float32Array | null,
  mean: Float32Array,
  invStd: Float32Array,
  s: BatchNormShape,
): NormBackwardResult {
  const { n, c, l } = s;
  const count = n * l;
  const dx = new Float32Array(x.length);
  const dgamma = new Float32Array(c);
  const dbeta = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    const mu = mean[ch]!;
    const rstd = invStd[ch]!;
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0, o = (b * c + ch) * l; i < l; i++) {
        sumDy += dy[o + i]!;
        sumDyXhat += dy[o + i]! * (x[o + i]! - mu) * rstd;
      }
    }
    dgamma[ch] = sumDyXhat;
    dbeta[ch] = sumDy;
    const k = (gamma ? gamma[ch]! : 1) * rstd;
    const meanDy = sumDy / count;
    const meanDyXhat = sumDyXhat / count;
    for (let b = 0; b < n; b++) {
      for (let i = 0, o = (b * c + ch) * l; i < l; i++) {
        const xhat = (x[o + i]! - mu) * rstd;
        dx[o + i] = k * (dy[o + i]! - meanDy - xhat * meanDyXhat);
      }
    }
  }
  return { dx, dgamma, dbeta };
}
