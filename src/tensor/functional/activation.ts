/** Activations and softmax as compositions of primitives (torch.nn.functional names). */
import { ops } from '../ops.ts';
import { type Tensor, apply } from '../tensor.ts';

/** gelu(x) = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)); 'tanh' is torch's approximate='tanh' form. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'tanh') {
    const inner = x.add(x.square().mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  return x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
}

/**
 * leaky_relu(x) = relu(x) - slope * relu(-x). At exactly x = 0 its gradient is 0 where torch's is slope
 * (torch: x > 0 ? 1 : slope); the two agree everywhere else.
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return x.relu().sub(x.neg().relu().mul(negativeSlope));
}

/**
 * softmax along dim. Over the last dim (attention's rows, a classifier's logits) it is the fused primitive
 * ops.softmax: one kernel each way instead of five forward and more backward; along any other dim, the
 * composite, which test/unit/engine/fused.test.ts holds the primitive equal to.
 */
export function softmax(x: Tensor, dim: number): Tensor {
  return isLastDim(x, dim) ? apply(ops.softmax, [x], { kind: 'softmax' }) : softmaxComposite(x, dim);
}

/** log_softmax along dim: the fused primitive over the last dim, else the composite. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return isLastDim(x, dim) ? apply(ops.softmax, [x], { kind: 'log_softmax' }) : logSoftmaxComposite(x, dim);
}

const isLastDim = (x: Tensor, dim: number) => x.ndim > 0 && x.numel > 0 && (dim === -1 || dim === x.ndim - 1);

/** softmax from primitives, shifted by the (detached) max for range; the shift does not change the value. */
export function softmaxComposite(x: Tensor, dim: number): Tensor {
  const e = x.sub(x.amax(dim, true).detach()).exp();
  return e.div(e.sum(dim, true));
}

/** log_softmax(x) = (x - max) - log(sum(exp(x - max))), from primitives. */
export function logSoftmaxComposite(x: Tensor, dim: number): Tensor {
  const shifted = x.sub(x.amax(dim, true).detach());
  return shifted.sub(shifted.exp().sum(dim, true).log());
}
