/**
 * layer_norm over the last d elements of a (rows, d) view, as torch.nn.LayerNorm
 * (biased variance, eps inside the square root, optional elementwise affine gamma/beta of d entries).
 */

/** Gradients of a layer_norm: of x, and of gamma and beta (d each). */
export interface NormBackwardResult {
  dx: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
}

export interface LayerNormResult {
  y: Float32Array;
  mean: Float32Array;
  /** 1 / sqrt(var + eps) per row, saved for the backward. */
  rstd: Float32Array;
}

export function layerNorm(
  x: Float32Array,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  rows: number,
  d: number,
  eps = 1e-5,
): LayerNormResult {
  if (x.length !== rows * d) throw new RangeError('layer_norm: bad sizes');
  const y = new Float32Array(x.length);
  const mean = new Float32Array(rows);
  const rstd = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let sum = 0;
    for (let i = 0; i < d; i++) sum += x[o + i]!;
    const mu = sum / d;
    let sq = 0;
    for (let i = 0; i < d; i++) sq += (x[o + i]! - mu) ** 2;
    const rs = 1 / Math.sqrt(sq / d + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let i = 0; i < d; i++) {
      y[o + i] = (x[o + i]! - mu) * rs * (gamma ? gamma[i]! : 1) + (beta ? beta[i]! : 0);
    }
  }
  return { y, mean, rstd };
}

export function layerNormBackward(
  dy: Float32Array,
  x: Float32Array,
  gamma: Float32Array | null,
  mean: Float32Array,
  rstd: Float32Array,
  rows: number,
  d: number,
): NormBackwardResult {
  const dx = new Float32Array(x.length);
  const dgamma = new Float64Array(d);
  const dbeta = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const mu = mean[r]!;
    const rs = rstd[r]!;
    let sumG = 0; // sum of dy * gamma
    let sumGXhat = 0; // sum of dy * gamma * xhat
    for (let i = 0; i < d; i++) {
      const xhat = (x[o + i]! - mu) * rs;
      const g = dy[o + i]! * (gamma ? gamma[i]! : 1);
      sumG += g;
      sumGXhat += g * xhat;
      dgamma[i]! += dy[o + i]! * xhat;
      dbeta[i]! += dy[o + i]!;
    }
    for (let i = 0; i < d; i++) {
      const xhat = (x[o + i]! - mu) * rs;
      const g = dy[o + i]! * (gamma ? gamma[i]! : 1);
      dx[o + i] = rs * (g - sumG / d - xhat * (sumGXhat / d));
    }
  }
  return { dx, dgamma: Float32Array.from(dgamma), dbeta: Float32Array.from(dbeta) };
}
