/**
 * torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type=2.0) as torch 2.6 computes it: the norm of
 * each gradient, the norm of those norms, clip_coef = max_norm / (total + 1e-6) clamped to at most 1, and
 * every gradient multiplied by it (also when it is 1, as torch's foreach path). All on the device, with no
 * readback: the returned total norm is a 0-dim tensor, as torch's.
 */
import { Tensor, full, noGrad } from '../tensor/index.ts';

export function clipGradNorm(parameters: Iterable<Tensor>, maxNorm: number): Tensor | null {
  const withGrad = [...parameters].filter((p) => p.grad !== null);
  if (withGrad.length === 0) return null;
  return noGrad(() => {
    const norms = withGrad.map((p) => (p.grad as Tensor).square().sum().sqrt()); // () each
    const total = norms
      .map((n) => n.square())
      .reduce((a, b) => a.add(b))
      .sqrt(); // ()
    const be = total.backend;
    const coef = full([], maxNorm, { backend: be }).div(total.add(1e-6)); // max_norm / (total + 1e-6)
    const clamped = new Tensor(
      be.binary('minimum', coef.buffer, [], be.full(1, 1, 'float32'), []),
      [],
      'float32',
      be,
    );
    for (const p of withGrad) p.grad = (p.grad as Tensor).mul(clamped);
    return total;
  });
}
