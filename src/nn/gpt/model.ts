/**
 * nanoGPT's GPT (karpathy/nanoGPT model.py), module for module and key for key:
 *   transformer.{wte, wpe, drop, h.N.{ln_1, attn.{c_attn, c_proj}, ln_2, mlp.{c_fc, c_proj}}, ln_f}, lm_head
 * with lm_head.weight and transformer.wte.weight one Parameter (weight tying: named_parameters lists it once,
 * as transformer.wte.weight; state_dict has both keys, saved as one storage). Initialisation as nanoGPT's
 * _init_weights: every Linear and Embedding weight N(0, 0.02), c_proj weights N(0, 0.02/sqrt(2 n_layer)),
 * biases zero, LayerNorm weight 1 and bias 0 (numbers from our generator, not torch's: see tensor/random.ts).
 */
import { F, type Generator, type Tensor, defaultGenerator, fromHost, noGrad } from '../../tensor/index.ts';
import type { InitOptions } from '../init.ts';
import { ModuleDict, ModuleList } from '../layers/containers.ts';
import { Embedding } from '../layers/embedding.ts';
import { Linear } from '../layers/linear.ts';
import type { LayerNorm } from '../layers/norm.ts';
import { Dropout } from '../layers/simple.ts';
import { Module } from '../module.ts';
import { Block, type GptInitOptions, gptLayerNorm } from './block.ts';
import { type GPTConfig, gptConfig } from './config.ts';

/** nn.Embedding whose weight is another module's Parameter (nanoGPT: wte.weight = lm_head.weight). */
class TiedEmbedding extends Embedding {
  constructor(weight: Tensor, opts: InitOptions) {
    const [rows, dim] = weight.shape as [number, number];
    super(rows, dim, opts);
    this.registerParameter('weight', weight);
  }
}

export class GPT extends Module {
  readonly typeName = 'GPT';
  readonly config: GPTConfig;
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly drop: Dropout;
  readonly h: ModuleList<Block>;
  readonly lnF: LayerNorm;
  readonly lmHead: Linear;

  constructor(config: GPTConfig, opts: GptInitOptions = {}) {
    super();
    this.config = gptConfig({ ...config });
    const c = this.config;
    this.lmHead = new Linear(c.n_embd, c.vocab_size, false, opts);
    this.wte = new TiedEmbedding(this.lmHead.weight, opts);
    this.wpe = new Embedding(c.block_size, c.n_embd, opts);
    this.drop = new Dropout(c.dropout, opts.dropoutGenerator);
    this.h = new ModuleList(Array.from({ length: c.n_layer }, () => new Block(c, opts)));
    this.lnF = gptLayerNorm(c, opts);
    const transformer = new ModuleDict([
      ['wte', this.wte],
      ['wpe', this.wpe],
      ['drop', this.drop],
      ['h', this.h],
      ['ln_f', this.lnF],
    ]);
    this.registerModule('transformer', transformer);
    this.registerModule('lm_head', this.lmHead);
    initGpt(this, opts.generator ?? defaultGenerator);
  }

  /** Logits (B, T, vocab_size) for int64 ids (B, T), T <= block_size. */
  forward(idx: Tensor): Tensor {
    const t = idx.shape[1] as number;
    if (idx.ndim !== 2 || idx.dtype !== 'int64')
      throw new RangeError(`GPT: expected int64 ids (B, T), got ${idx.toString()}`);
    if (t > this.config.block_size)
      throw new RangeError(
        `Cannot forward sequence of length ${t}, block size is only ${this.config.block_size}`,
      );
    const pos = fromHost(
      Int32Array.from({ length: t }, (_, i) => i),
      [t],
      { backend: idx.backend },
    ); // (T)
    const tok = this.wte.forward(idx); // (B, T, C)
    let x = this.drop.forward(tok.add(this.wpe.forward(pos))); // (B, T, C) + (T, C)
    for (const block of this.h.items) x = block.forward(x);
    return this.lmHead.forward(this.lnF.forward(x)); // (B, T, V)
  }

  /** nanoGPT's `logits, loss = model(idx, targets)`: cross_entropy over (B*T, V), targets -1 ignored. */
  forwardWithLoss(idx: Tensor, targets: Tensor): { logits: Tensor; loss: Tensor } {
    const logits = this.forward(idx); // (B, T, V)
    const v = this.config.vocab_size;
    const loss = F.crossEntropy(logits.view(-1, v), targets.view(-1), { ignoreIndex: -1 }); // (B*T, V)
    return { logits, loss };
  }
}

/** nanoGPT's _init_weights, then the scaled init of every c_proj weight (residual projections). */
function initGpt(model: GPT, gen: Generator): void {
  const std = 0.02;
  const projStd = 0.02 / Math.sqrt(2 * model.config.n_layer);
  const fill = (t: Tensor, host: Float32Array): void => noGrad(() => t.backend.write(t.buffer, host));
  for (const [name, m] of model.namedModules()) {
    if (m instanceof Linear) {
      fill(m.weight, gen.normalArray(m.weight.numel, 0, name.endsWith('c_proj') ? projStd : std));
      if (m.bias !== null) fill(m.bias, new Float32Array(m.bias.numel));
    } else if (m instanceof Embedding && !(m instanceof TiedEmbedding)) {
      fill(m.weight, gen.normalArray(m.weight.numel, 0, std));
    }
  }
}

/** The GPT of an architecture spec `{"type": "GPT", vocab_size, block_size, n_layer, n_head, n_embd, dropout, bias}`. */
export function gptFromSpec(spec: Readonly<Record<string, unknown>>, opts: GptInitOptions = {}): GPT {
  if (spec['type'] !== undefined && spec['type'] !== 'GPT')
    throw new RangeError(`gptFromSpec: expected type GPT, got ${String(spec['type'])}`);
  return new GPT(gptConfig(spec), opts);
}
