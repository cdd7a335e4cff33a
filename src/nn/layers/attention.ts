/**
 * torch.nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False), composed of
 * primitives: q, k and v from one packed `in_proj_weight` (3E, E) and `in_proj_bias` (3E), scaled dot-product
 * attention per head with an optional additive float mask (torch's float attn_mask, e.g.
 * nn.Transformer.generate_square_subsequent_mask: 0 and -inf), dropout on the weights, `out_proj`.
 * Deviations: forward returns the output alone (torch's need_weights=False); kdim/vdim, add_bias_kv,
 * add_zero_attn, key_padding_mask and boolean masks are not supported.
 */
import { F, type Tensor } from '../../tensor/index.ts';
import { type InitOptions, constant, uniform } from '../init.ts';
import { Module } from '../module.ts';
import { Linear } from './linear.ts';

export interface MultiheadAttentionOptions extends InitOptions {
  dropout?: number;
  bias?: boolean;
  batchFirst?: boolean;
}

export class MultiheadAttention extends Module {
  readonly typeName = 'MultiheadAttention';
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly outProj: Linear;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    opts: MultiheadAttentionOptions = {},
  ) {
    super();
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim)
      throw new RangeError('embed_dim must be divisible by num_heads');
    this.dropout = opts.dropout ?? 0;
    this.batchFirst = opts.batchFirst ?? false;
    const bias = opts.bias ?? true;
    // _reset_parameters: xavier_uniform_ on (3E, E), biases 0; out_proj's weight keeps Linear's init.
    const bound = Math.sqrt(6 / (embedDim + 3 * embedDim));
    this.registerParameter('in_proj_weight', uniform([3 * embedDim, embedDim], -bound, bound, opts));
    this.registerParameter('in_proj_bias', bias ? constant([3 * embedDim], 0, opts) : null);
    // torch's out_proj is a NonDynamicallyQuantizableLinear: a Linear by another name, the same keys.
    this.outProj = new Linear(embedDim, embedDim, bias, opts);
    if (bias) this.outProj.bias!.backend.write(this.outProj.bias!.buffer, new Float32Array(embedDim));
    this.registerModule('out_proj', this.outProj);
  }

  /**
   * query (L, N, E), key and value (S, N, E) ((N, L, E) with batch_first; unbatched (L, E) too); key and
   * value default to query (self-attention); attnMask (L, S) or (N * num_heads, L, S) is added to the scores.
   */
  forward(query: Tensor, key: Tensor = query, value: Tensor = key, attnMask?: Tensor): Tensor {
    const unbatched = query.ndim === 2;
    const batched = (x: Tensor): Tensor =>
      unbatched ? x.unsqueeze(0) : this.batchFirst ? x : x.transpose(0, 1); // (N, L, E)
    const [q, k, v] = [query, key, value].map(batched) as [Tensor, Tensor, Tensor];
    const e = this.embedDim;
    const [wq, wk, wv] = (this.param('in_proj_weight') as Tensor).split(e, 0) as [Tensor, Tensor, Tensor];
    const b = this.param('in_proj_bias');
    const [bq, bk, bv] = b === null ? [null, null, null] : (b.split(e, 0) as [Tensor, Tensor, Tensor]);
    const heads = (x: Tensor): Tensor => {
      const [n, len] = x.shape as [number, number];
      return x.view(n, len, this.numHeads, this.headDim).transpose(1, 2); // (N, h, L, hd)
    };
    const qh = heads(F.linear(q, wq, bq));
    const kh = heads(F.linear(k, wk, bk));
    const vh = heads(F.linear(v, wv, bv));
    let scores = qh.matmul(kh.transpose(-2, -1)).mul(1 / Math.sqrt(this.headDim)); // (N, h, L, S)
    if (attnMask !== undefined) {
      const [n, h, l, s] = scores.shape as [number, number, number, number];
      scores = scores.add(attnMask.ndim === 3 ? attnMask.view(n, h, l, s) : attnMask);
    }
    const att = F.dropout(F.softmax(scores, -1), this.dropout, this.training);
    const [n, , l] = qh.shape as [number, number, number];
    const y = att.matmul(vh).transpose(1, 2).reshape(n, l, e); // (N, h, L, hd) -> (N, L, E)
    const out = this.outProj.forward(y);
    return unbatched ? out.squeeze(0) : this.batchFirst ? out : out.transpose(0, 1);
  }
}
