/** nanoGPT's MLP (c_fc, exact GELU, c_proj, dropout) and Block (pre-norm attention and MLP, residuals). */
import type { Tensor } from '../../tensor/index.ts';
import type { InitOptions } from '../init.ts';
import { Linear } from '../layers/linear.ts';
import { LayerNorm } from '../layers/norm.ts';
import { Dropout, GELU } from '../layers/simple.ts';
import { Module } from '../module.ts';
import { CausalSelfAttention } from './attention.ts';
import type { GPTConfig } from './config.ts';

export type GptInitOptions = InitOptions & { dropoutGenerator?: InitOptions['generator'] };

export class MLP extends Module {
  readonly typeName = 'MLP';
  private readonly layers: [Linear, GELU, Linear, Dropout];

  constructor(config: GPTConfig, opts: GptInitOptions = {}) {
    super();
    this.layers = [
      new Linear(config.n_embd, 4 * config.n_embd, config.bias, opts),
      new GELU('none'),
      new Linear(4 * config.n_embd, config.n_embd, config.bias, opts),
      new Dropout(config.dropout, opts.dropoutGenerator),
    ];
    ['c_fc', 'gelu', 'c_proj', 'dropout'].forEach((name, i) => this.registerModule(name, this.layers[i]!));
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x); // (B, T, C) -> (B, T, 4C) -> (B, T, C)
  }
}

/** LayerNorm with optional bias, as nanoGPT's own class (weight 1, bias 0, eps 1e-5). */
export function gptLayerNorm(config: GPTConfig, opts: InitOptions): LayerNorm {
  return new LayerNorm(config.n_embd, { ...opts, bias: config.bias });
}

export class Block extends Module {
  readonly typeName = 'Block';
  readonly ln1: LayerNorm;
  readonly attn: CausalSelfAttention;
  readonly ln2: LayerNorm;
  readonly mlp: MLP;

  constructor(config: GPTConfig, opts: GptInitOptions = {}) {
    super();
    this.ln1 = gptLayerNorm(config, opts);
    this.attn = new CausalSelfAttention(config, opts);
    this.ln2 = gptLayerNorm(config, opts);
    this.mlp = new MLP(config, opts);
    this.registerModule('ln_1', this.ln1);
    this.registerModule('attn', this.attn);
    this.registerModule('ln_2', this.ln2);
    this.registerModule('mlp', this.mlp);
  }

  forward(x: Tensor): Tensor {
    const h = x.add(this.attn.forward(this.ln1.forward(x))); // (B, T, C)
    return h.add(this.mlp.forward(this.ln2.forward(h)));
  }
}
