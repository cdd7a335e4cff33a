/**
 * nanoGPT's CausalSelfAttention: one Linear makes q, k and v for every head, each position attends to itself
 * and the positions before it, and c_proj mixes the heads back. Dropout on the attention weights and on the
 * output. Where no dropout falls on the weights (dropout 0, or eval) it runs the fused causal op
 * F.scaledDotProductAttention(..., {isCausal: true}), as nanoGPT runs flash attention; otherwise the composite
 * of primitives (masked_fill of -inf above the diagonal, softmax, attn_dropout), nanoGPT's manual path.
 */
import { F, type Tensor, fromHost } from '../../tensor/index.ts';
import type { InitOptions } from '../init.ts';
import { Linear } from '../layers/linear.ts';
import { Dropout } from '../layers/simple.ts';
import { Module } from '../module.ts';
import type { GPTConfig } from './config.ts';

export class CausalSelfAttention extends Module {
  readonly typeName = 'CausalSelfAttention';
  readonly cAttn: Linear;
  readonly cProj: Linear;
  readonly attnDropout: Dropout;
  readonly residDropout: Dropout;
  readonly nHead: number;
  /** (T, T) 1 above the diagonal (the future), per sequence length and backend: not state, as nanoGPT's
   * flash path keeps none (its `bias` buffer exists only without scaled_dot_product_attention). */
  private readonly masks = new Map<string, Tensor>();

  constructor(config: GPTConfig, opts: InitOptions & { dropoutGenerator?: InitOptions['generator'] } = {}) {
    super();
    this.nHead = config.n_head;
    this.cAttn = new Linear(config.n_embd, 3 * config.n_embd, config.bias, opts);
    this.cProj = new Linear(config.n_embd, config.n_embd, config.bias, opts);
    this.attnDropout = new Dropout(config.dropout, opts.dropoutGenerator);
    this.residDropout = new Dropout(config.dropout, opts.dropoutGenerator);
    this.registerModule('c_attn', this.cAttn);
    this.registerModule('c_proj', this.cProj);
    this.registerModule('attn_dropout', this.attnDropout);
    this.registerModule('resid_dropout', this.residDropout);
  }

  forward(x: Tensor): Tensor {
    const [b, t, c] = x.shape as [number, number, number]; // (B, T, C)
    const hs = c / this.nHead;
    const heads = (u: Tensor): Tensor => u.view(b, t, this.nHead, hs).transpose(1, 2); // (B, nh, T, hs)
    const [q, k, v] = this.cAttn.forward(x).split(c, 2).map(heads) as [Tensor, Tensor, Tensor];
    if (!this.training || this.attnDropout.p === 0) {
      const y = F.scaledDotProductAttention(q, k, v, { isCausal: true }); // (B, nh, T, hs)
      return this.residDropout.forward(this.cProj.forward(y.transpose(1, 2).reshape(b, t, c)));
    }
    const scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hs)); // (B, nh, T, hs) @ (B, nh, hs, T)
    const att = F.softmax(scores.maskedFill(this.future(x, t), -Infinity), -1); // (B, nh, T, T)
    const y = this.attnDropout.forward(att).matmul(v); // (B, nh, T, T) @ (B, nh, T, hs) -> (B, nh, T, hs)
    const merged = y.transpose(1, 2).reshape(b, t, c); // (B, T, nh, hs) -> (B, T, C)
    return this.residDropout.forward(this.cProj.forward(merged));
  }

  private future(x: Tensor, t: number): Tensor {
    const key = `${x.backend.name}:${t}`;
    let mask = this.masks.get(key);
    if (mask === undefined || mask.backend !== x.backend) {
      const host = Float32Array.from({ length: t * t }, (_, i) => (i % t > Math.floor(i / t) ? 1 : 0));
      mask = fromHost(host, [t, t], { backend: x.backend }); // (T, T): column > row
      this.masks.set(key, mask);
    }
    return mask;
  }
}
