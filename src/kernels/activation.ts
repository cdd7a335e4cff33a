/**
 * Scalar activation functions shared by the matmul epilogue and the unary family.
 * gelu is the exact (erf) form, as torch.nn.GELU(approximate='none').
 */

export type Activation = 'none' | 'relu' | 'gelu' | 'tanh' | 'sigmoid';

/** Activation codes as the WGSL kernels see them (an override constant / params field). */
export const ACTIVATION_CODE: Readonly<Record<Activation, number>> = {
  none: 0,
  relu: 1,
  gelu: 2,
  tanh: 3,
  sigmoid: 4,
};

/**
 * erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7); the WGSL kernels use the same formula,
 * so CPU and GPU agree to float rounding.
 */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-ax * ax));
}

export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * Math.SQRT1_2));
}

/** d gelu / dx = Phi(x) + x * phi(x). */
export function geluGrad(x: number): number {
  const cdf = 0.5 * (1 + erf(x * Math.SQRT1_2));
  const pdf = Math.exp(-0.5 * x * x) * 0.3989422804014327;
  return cdf + x * pdf;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function applyActivation(act: Activation, x: number): number {
  switch (act) {
    case 'none':
      return x;
    case 'relu':
      return x > 0 ? x : 0;
    case 'gelu':
      return gelu(x);
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return sigmoid(x);
  }
}
