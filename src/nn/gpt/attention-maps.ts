/**
 * What one block's attention looks at, for a view: the softmax weights of each head, (n_head, T, T), for one
 * prompt. Recomputed from the block's own modules (ln_1, c_attn) in eval mode without autograd, as
 * CausalSelfAttention computes them on its composite path; training never runs this.
 */
import { F, type Tensor, fromHost, noGrad } from '../../tensor/index.ts';
import type { GPT } from './model.ts';

export interface AttentionMaps {
  /** The block the maps are from. */
  layer: number;
  heads: number;
  /** Prompt length T. */
  t: number;
  /** (n_head, T, T) row-major: weights[h][i][j], query i on key j (0 for j > i); each row sums to 1. */
  weights: Float32Array;
}

/** Attention weights of block `layer` for `ids` (one prompt, at most block_size ids). */
export async function attentionMaps(
  model: GPT,
  ids: readonly number[],
  layer: number,
): Promise<AttentionMaps> {
  const { n_head: heads, n_embd: c, block_size: blockSize, n_layer: layers } = model.config;
  if (!(Number.isInteger(layer) && layer >= 0 && layer < layers))
    throw new RangeError(`attentionMaps: layer must be 0..${layers - 1}, got ${layer}`);
  const t = ids.length;
  if (t === 0 || t > blockSize) throw new RangeError(`attentionMaps: 1..${blockSize} ids, got ${t}`);
  const backend = model.lmHead.weight.backend;
  const wasTraining = model.training;
  model.eval();
  try {
    const weights = noGrad(() => {
      const idx = fromHost(Int32Array.from(ids), [1, t], { backend }); // (1, T)
      const pos = fromHost(
        Int32Array.from({ length: t }, (_, i) => i),
        [t],
        { backend },
      );
      let x: Tensor = model.wte.forward(idx).add(model.wpe.forward(pos)); // (1, T, C)
      for (const block of model.h.items.slice(0, layer)) x = block.forward(x);
      const block = model.h.items[layer]!;
      const hs = c / heads;
      const split = (u: Tensor): Tensor => u.view(1, t, heads, hs).transpose(1, 2); // (1, nh, T, hs)
      const [q, k] = block.attn.cAttn.forward(block.ln1.forward(x)).split(c, 2).map(split) as [
        Tensor,
        Tensor,
      ];
      const future = Float32Array.from({ length: t * t }, (_, i) => (i % t > Math.floor(i / t) ? 1 : 0));
      const scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hs)); // (1, nh, T, T)
      return F.softmax(scores.maskedFill(fromHost(future, [t, t], { backend }), -Infinity), -1);
    });
    return { layer, heads, t, weights: Float32Array.from(await weights.data()) };
  } finally {
    model.train(wasTraining);
  }
}
