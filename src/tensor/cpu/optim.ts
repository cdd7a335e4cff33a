/**
 * In-place optimizer updates, step by step as torch 2.6's single-tensor paths compute them
 * (torch/optim/sgd.py `_single_tensor_sgd`, adam.py `_single_tensor_adam`, adamw.py `_single_tensor_adamw`):
 * every tensor op rounds to float32, and every Python scalar argument is cast to float32 first (the
 * kernels' opmath type for float tensors), so results agree with torch to the last bit or so. Where torch's
 * vectorised CPU kernel uses a fused multiply-add (add with alpha, lerp) the product is formed in float64,
 * which is exact for two float32 values, and rounded once with the sum.
 * TODO(kernels): move to src/kernels/ when the optimizer kernels land.
 */
import type { AdamHyper, SgdHyper } from '../backend.ts';

const f = Math.fround;

export function sgdStep(
  param: Float32Array,
  grad: Float32Array,
  buf: Float32Array | null,
  h: SgdHyper,
): void {
  const wd = f(h.weightDecay);
  const momentum = f(h.momentum);
  const oneMinusDampening = f(1 - h.dampening);
  const negLr = f(-h.lr);
  for (let i = 0; i < param.length; i++) {
    let g = h.maximize ? -grad[i]! : grad[i]!;
    if (h.weightDecay !== 0) g = f(g + wd * param[i]!); // grad.add(param, alpha=weight_decay)
    if (buf !== null) {
      let b: number;
      if (h.firstStep)
        b = g; // torch.clone(grad)
      else b = f(f(buf[i]! * momentum) + oneMinusDampening * g); // buf.mul_(momentum).add_(grad, alpha=1-dampening)
      buf[i] = b;
      g = h.nesterov ? f(g + momentum * b) : b; // grad.add(buf, alpha=momentum) or buf
    }
    param[i] = f(param[i]! + negLr * g); // param.add_(grad, alpha=-lr)
  }
}

export function adamStep(
  param: Float32Array,
  grad: Float32Array,
  expAvg: Float32Array,
  expAvgSq: Float32Array,
  maxExpAvgSq: Float32Array | null,
  h: AdamHyper,
): void {
  const wd = f(h.weightDecay);
  const decay = f(1 - h.lr * h.weightDecay); // AdamW: param.mul_(1 - lr * weight_decay)
  const weight1 = f(1 - h.beta1); // exp_avg.lerp_(grad, 1 - beta1)
  const beta2 = f(h.beta2);
  const oneMinusBeta2 = f(1 - h.beta2);
  const bc2Sqrt = f(h.biasCorrection2Sqrt);
  const eps = f(h.eps);
  const negStepSize = f(-h.stepSize);
  for (let i = 0; i < param.length; i++) {
    let p = param[i]!;
    let g = h.maximize ? -grad[i]! : grad[i]!;
    if (h.weightDecay !== 0) {
      if (h.decoupled) p = f(p * decay);
      else g = f(g + wd * p); // grad.add(param, alpha=weight_decay)
    }
    // lerp: weight < 0.5 gives self + weight * (end - self); otherwise end - (end - self) * (1 - weight).
    const m0 = expAvg[i]!;
    const diff = f(g - m0);
    const m = weight1 < 0.5 ? f(m0 + weight1 * diff) : f(g - diff * f(1 - weight1));
    expAvg[i] = m;
    // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2): self + value * t1 * t2.
    const v = f(f(expAvgSq[i]! * beta2) + f(f(oneMinusBeta2 * g) * g));
    expAvgSq[i] = v;
    let vUsed = v;
    if (maxExpAvgSq !== null) {
      vUsed = Math.max(maxExpAvgSq[i]!, v);
      maxExpAvgSq[i] = vUsed;
    }
    const denom = f(f(f(Math.sqrt(vUsed)) / bc2Sqrt) + eps); // (v.sqrt() / bias_correction2_sqrt).add_(eps)
    param[i] = f(p + f(f(negStepSize * m) / denom)); // param.addcdiv_(exp_avg, denom, value=-step_size)
  }
}
