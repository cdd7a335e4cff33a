/**
 * Fused optimizer updates over flat parameter buffers, with torch.optim's rules (single-tensor path).
 * Every buffer is updated in place. Scalars that torch computes in Python doubles are computed here in
 * doubles too (adamScalars), and the GPU kernel receives them as f32.
 */

export interface SgdOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** True on the first step, when torch creates the momentum buffer as a copy of the gradient. */
  firstStep: boolean;
}

/** torch.optim.SGD: d = g + wd p; buf = m buf + (1 - damp) d (buf = d at first); d = nesterov ? d + m buf : buf; p -= lr d. */
export function sgdUpdate(
  param: Float32Array,
  grad: Float32Array,
  momentumBuffer: Float32Array | null,
  o: SgdOptions,
): void {
  const f = Math.fround;
  for (let i = 0; i < param.length; i++) {
    let d = o.maximize ? -grad[i]! : grad[i]!;
    if (o.weightDecay !== 0) d = f(d + f(o.weightDecay * param[i]!));
    if (o.momentum !== 0 && momentumBuffer) {
      const buf = o.firstStep ? d : f(f(o.momentum * momentumBuffer[i]!) + f((1 - o.dampening) * d));
      momentumBuffer[i] = buf;
      d = o.nesterov ? f(d + f(o.momentum * buf)) : buf;
    }
    param[i] = param[i]! - f(o.lr * d);
  }
}

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the parameter itself (p *= 1 - lr wd) instead of adding wd p to the gradient. */
  decoupled: boolean;
  amsgrad: boolean;
  maximize: boolean;
  /** The step number after incrementing (1 on the first update), as torch's state['step']. */
  step: number;
}

/** torch.optim.Adam / AdamW single-tensor update (adam.py, adamw.py), in place. */
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: param *= 1 - lr * weight_decay before the moments; Adam: grad += weight_decay * param. */
  decoupled: boolean;
  maximize: boolean;
  /** lr / (1 - beta1^step), computed on the host in float64 as torch does. */
  stepSize: number;
  /** sqrt(1 - beta2^step), likewise. */
  biasCorrection2Sqrt: number;
}

/** Python-double scalars of one Adam step, as torch computes them. */
export function adamScalars(o: AdamOptions): { stepSize: number; biasCorrection2Sqrt: number } {
  const biasCorrection1 = 1 - o.beta1 ** o.step;
  const biasCorrection2 = 1 - o.beta2 ** o.step;
  return { stepSize: o.lr / biasCorrection1, biasCorrection2Sqrt: Math.sqrt(biasCorrection2) };
}

/** torch.optim.Adam / AdamW; maxExpAvgSq is required when amsgrad. */
export function adamUpdate(
  param: Float32Array,
  grad: Float32Array,
  expAvg: Float32Array,
  expAvgSq: Float32Array,
  maxExpAvgSq: Float32Array | null,
  o: AdamOptions,
): void {
  if (o.amsgrad && !maxExpAvgSq) throw new Error('adam: amsgrad needs a max_exp_avg_sq buffer');
  const f = Math.fround;
  const { stepSize, biasCorrection2Sqrt } = adamScalars(o);
  const stepSizeF = f(stepSize);
  const bc2 = f(biasCorrection2Sqrt);
  const decay = f(1 - o.lr * o.weightDecay);
  for (let i = 0; i < param.length; i++) {
    let g = o.maximize ? -grad[i]! : grad[i]!;
    let p = param[i]!;
    if (o.weightDecay !== 0) {
      if (o.decoupled) p = f(p * decay);
      else g = f(g + f(o.weightDecay * p));
    }
    const m = f(expAvg[i]! + f(f(1 - o.beta1) * f(g - expAvg[i]!))); // exp_avg.lerp_(grad, 1 - beta1)
    const v = f(f(o.beta2 * expAvgSq[i]!) + f(f(1 - o.beta2) * f(g * g)));
    expAvg[i] = m;
    expAvgSq[i] = v;
    let vHat = v;
    if (o.amsgrad && maxExpAvgSq) {
      vHat = Math.max(maxExpAvgSq[i]!, v);
      maxExpAvgSq[i] = vHat;
    }
    const denom = f(f(f(Math.sqrt(vHat)) / bc2) + o.eps);
    param[i] = f(p + f(-stepSizeF * f(m / denom)));
  }
}
