/**
 * torch.nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu',
 * layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True), with torch's module names
 * (self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2) and its two orders:
 *   post-norm: x = norm1(x + sa(x)); x = norm2(x + ff(x))      pre-norm: x = x + sa(norm1(x)); x = x + ff(norm2(x))
 * forward(src, mask?) takes an additive float mask as MultiheadAttention's attnMask.
 */
import { F, type Tensor } from '../../tensor/index.ts';
import type { InitOptions } from '../init.ts';
import { Module } from '../module.ts';
import { MultiheadAttention } from './attention.ts';
import { Linear } from './linear.ts';
import { LayerNorm } from './norm.ts';
import { Dropout } from './simple.ts';

export interface TransformerEncoderLayerOptions extends InitOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: 'relu' | 'gelu';
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
}

export class TransformerEncoderLayer extends Module {
  readonly typeName = 'TransformerEncoderLayer';
  readonly selfAttn: MultiheadAttention;
  readonly normFirst: boolean;
  readonly activation: 'relu' | 'gelu';
  private readonly m: {
    linear1: Linear;
    dropout: Dropout;
    linear2: Linear;
    norm1: LayerNorm;
    norm2: LayerNorm;
    dropout1: Dropout;
    dropout2: Dropout;
  };

  constructor(dModel: number, nhead: number, opts: TransformerEncoderLayerOptions = {}) {
    super();
    const p = opts.dropout ?? 0.1;
    const bias = opts.bias ?? true;
    const ff = opts.dimFeedforward ?? 2048;
    const norm = { ...opts, eps: opts.layerNormEps ?? 1e-5, bias };
    this.normFirst = opts.normFirst ?? false;
    this.activation = opts.activation ?? 'relu';
    this.selfAttn = new MultiheadAttention(dModel, nhead, {
      ...opts,
      dropout: p,
      bias,
      batchFirst: opts.batchFirst ?? false,
    });
    this.registerModule('self_attn', this.selfAttn);
    this.m = {
      linear1: new Linear(dModel, ff, bias, opts),
      dropout: new Dropout(p, opts.generator),
      linear2: new Linear(ff, dModel, bias, opts),
      norm1: new LayerNorm(dModel, norm),
      norm2: new LayerNorm(dModel, norm),
      dropout1: new Dropout(p, opts.generator),
      dropout2: new Dropout(p, opts.generator),
    };
    for (const [name, module] of Object.entries(this.m)) this.registerModule(name, module);
  }

  forward(src: Tensor, mask?: Tensor): Tensor {
    const { norm1, norm2, dropout1, dropout2, linear1, linear2, dropout } = this.m;
    const sa = (x: Tensor): Tensor => dropout1.forward(this.selfAttn.forward(x, x, x, mask));
    const act = (x: Tensor): Tensor => (this.activation === 'relu' ? x.relu() : F.gelu(x));
    const ffBlock = (x: Tensor): Tensor =>
      dropout2.forward(linear2.forward(dropout.forward(act(linear1.forward(x))))); // (..., E) -> (..., ff) -> (..., E)
    if (this.normFirst) {
      const h = src.add(sa(norm1.forward(src)));
      return h.add(ffBlock(norm2.forward(h)));
    }
    const h = norm1.forward(src.add(sa(src)));
    return norm2.forward(h.add(ffBlock(h)));
  }
}
