/**
 * torch.nn.functional.scaled_dot_product_attention for q, k, v of one shape (..., T, D): the composite of
 * primitives (matmul, the causal mask by where, softmax, matmul), and the fused causal op (ops.attention,
 * shaders/attention.wgsl) that test/gpu/attention.test.ts proves equal to it.
 */
import { attentionKernelFits } from '../../kernels/attention.ts';
import type { Generator } from '../random.ts';
import { ops } from '../ops.ts';
import { sameShape } from '../shape.ts';
import { type Tensor, apply, fromHost } from '../tensor.ts';
import { softmax } from './activation.ts';
import { dropout } from './layers.ts';

export interface AttentionOptions {
  /** torch's is_causal: query i attends to keys j <= i. Default false, as torch. */
  isCausal?: boolean;
  /** The factor on q k^T; default 1 / sqrt(D), as torch. */
  scale?: number;
  /** torch's dropout_p, applied to the probabilities (pass 0 in eval, as nanoGPT does). Default 0. */
  dropoutP?: number;
  /** The generator dropout draws its seed from (functional/layers.ts dropout). */
  generator?: Generator;
}

/** (T, T) float32 with 1 above the diagonal: the keys j > i that query i must not see. */
function futureMask(t: number, like: Tensor): Tensor {
  const mask = new Float32Array(t * t);
  for (let i = 0; i < t; i++) mask.fill(1, i * t + i + 1, (i + 1) * t);
  return fromHost(mask, [t, t], { backend: like.backend });
}

/** Attention composed of primitives, nanoGPT's manual path: (..., T, D) -> (..., T, D). */
export function attentionComposite(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  const d = q.size(-1);
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  let att = q.matmul(k.transpose(-2, -1)).mul(scale); // (..., T, T)
  if (opts.isCausal === true) att = att.maskedFill(futureMask(q.size(-2), q), -Infinity);
  att = softmax(att, -1);
  const p = opts.dropoutP ?? 0;
  if (p > 0) att = dropout(att, p, true, opts.generator);
  return att.matmul(v); // (..., T, D)
}

/**
 * F.scaled_dot_product_attention(q, k, v, is_causal=..., dropout_p=..., scale=...) for q, k, v of one shape.
 * Causal attention without dropout runs as ONE fused op (forward one kernel, backward two); everything else
 * (dropout_p > 0, which nanoGPT uses only while training with dropout; not causal; q, k, v of different
 * shapes; or a head size the kernels do not take: attentionKernelFits) runs the composite. The fused op has no dropout inside: its
 * backward recomputes nothing random, and the composite already draws the mask from the same generator.
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  opts: AttentionOptions = {},
): Tensor {
  const fused =
    opts.isCausal === true &&
    (opts.dropoutP ?? 0) === 0 &&
    attentionKernelFits(q.size(-1)) &&
    sameShape(q.shape, k.shape) &&
    sameShape(q.shape, v.shape);
  if (!fused) return attentionComposite(q, k, v, opts);
  return apply(ops.attention, [q, k, v], { scale: opts.scale ?? 1 / Math.sqrt(q.size(-1)) });
}
