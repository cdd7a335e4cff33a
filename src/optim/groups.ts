/**
 * nanoGPT's configure_optimizers parameter groups: every parameter of 2 or more dims (matmul weights,
 * embeddings) decays, the others (biases, LayerNorm weights) do not; in named_parameters order, a tied
 * weight once. AdamW(decayGroups(model, wd), {lr, betas}) then has torch's param_groups and ids.
 */
import type { Module } from '../nn/module.ts';
import type { Tensor } from '../tensor/index.ts';

export function decayGroups(
  model: Module,
  weightDecay: number,
): [{ params: Tensor[]; weightDecay: number }, { params: Tensor[]; weightDecay: number }] {
  const params = model.parameters().filter((p) => p.requiresGrad);
  return [
    { params: params.filter((p) => p.ndim >= 2), weightDecay },
    { params: params.filter((p) => p.ndim < 2), weightDecay: 0 },
  ];
}
