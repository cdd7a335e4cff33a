/**
 * The CPU backend's optimizer updates: the arithmetic of shaders/optimizer.wgsl, so both backends step
 * alike. SGD is src/kernels/optimizer.ts `sgdUpdate` itself (SgdHyper is its SgdOptions). Adam's loop is
 * that of `adamUpdate` there, but with torch's host scalars (step size, sqrt of bias correction 2) given, as
 * the shader receives them: AdamHyper carries those, not the step number. Every scalar is rounded to float32
 * first, as the shader's uniform holds it, and every operation rounds to float32 (torch's single-tensor path
 * likewise works in float32; test/torch/engine/optim.test.ts holds it to torch within 2e-6).
 */
import { sgdUpdate } from '../../kernels/optimizer.ts';
import type { AdamHyper, SgdHyper } from '../backend.ts';

const f = Math.fround;

export function sgdStep(
  param: Float32Array,
  grad: Float32Array,
  buf: Float32Array | null,
  h: SgdHyper,
): void {
  sgdUpdate(param, grad, buf, h);
}

export function adamStep(
  param: Float32Array,
  grad: Float32Array,
  expAvg: Float32Array,
  expAvgSq: Float32Array,
  maxExpAvgSq: Float32Array | null,
  h: AdamHyper,
): void {
  // The shader's AdamParams, as float32.
  const weightDecay = f(h.weightDecay);
  const decay = f(1 - h.lr * h.weightDecay);
  const oneMinusBeta1 = f(1 - h.beta1);
  const beta2 = f(h.beta2);
  const oneMinusBeta2 = f(1 - h.beta2);
  const eps = f(h.eps);
  const stepSize = f(h.stepSize);
  const bc2Sqrt = f(h.biasCorrection2Sqrt);
  for (let i = 0; i < param.length; i++) {
    let g = h.maximize ? -grad[i]! : grad[i]!;
    let p = param[i]!;
    if (weightDecay !== 0) {
      if (h.decoupled) p = f(p * decay);
      else g = f(g + f(weightDecay * p));
    }
    const m = f(expAvg[i]! + f(oneMinusBeta1 * f(g - expAvg[i]!))); // exp_avg.lerp_(grad, 1 - beta1)
    const v = f(f(beta2 * expAvgSq[i]!) + f(oneMinusBeta2 * f(g * g))); // mul_(beta2).addcmul_(g, g, 1 - beta2)
    expAvg[i] = m;
    expAvgSq[i] = v;
    let vHat = v;
    if (maxExpAvgSq !== null) {
      vHat = Math.max(maxExpAvgSq[i]!, v);
      maxExpAvgSq[i] = vHat;
    }
    const denom = f(f(f(Math.sqrt(vHat)) / bc2Sqrt) + eps);
    param[i] = f(p - f(stepSize * f(m / denom))); // param.addcdiv_(exp_avg, denom, value=-step_size)
  }
}
