/**
 * nanoGPT's GPT as one layer type: `{"type": "GPT", vocab_size, block_size, n_layer, n_head, n_embd, dropout,
 * bias}` with GPTConfig's names and defaults (src/nn/gpt/config.ts), int64 ids (B, T) -> logits (B, T, V).
 * Its state_dict is nanoGPT's key for key; lm_head.weight is transformer.wte.weight (tied), so it is listed
 * under `tied`, not counted twice.
 */
import { GPT_DEFAULTS } from '../gpt/config.ts';
import { GPT } from '../gpt/model.ts';
import { formatShape, pthlabRefusal as pthlab } from '../spec-keywords.ts';
import { type Shapes, defineLayer } from './entry.ts';
import { bool, custom } from './keyword.ts';

/** A positive integer with GPTConfig's default (GPTConfig is a dataclass: every field has one). */
const sizeOr = (fallback: number) => custom(fallback, (a, n) => a.size(n, fallback));

interface GptArgs {
  vocab_size: number;
  block_size: number;
  n_layer: number;
  n_head: number;
  n_embd: number;
  dropout: number;
  bias: boolean;
}

/** nanoGPT's named_parameters, in order (the tied lm_head.weight not among them). */
function gptParams(a: GptArgs): Shapes {
  const c = a.n_embd;
  const params: Record<string, number[]> = {
    'transformer.wte.weight': [a.vocab_size, c],
    'transformer.wpe.weight': [a.block_size, c],
  };
  const linear = (name: string, inF: number, outF: number): void => {
    params[`${name}.weight`] = [outF, inF];
    if (a.bias) params[`${name}.bias`] = [outF];
  };
  const norm = (name: string): void => {
    params[`${name}.weight`] = [c];
    if (a.bias) params[`${name}.bias`] = [c];
  };
  for (let i = 0; i < a.n_layer; i++) {
    const h = `transformer.h.${i}`;
    norm(`${h}.ln_1`);
    linear(`${h}.attn.c_attn`, c, 3 * c);
    linear(`${h}.attn.c_proj`, c, c);
    norm(`${h}.ln_2`);
    linear(`${h}.mlp.c_fc`, c, 4 * c);
    linear(`${h}.mlp.c_proj`, 4 * c, c);
  }
  norm('transformer.ln_f');
  return params;
}

export const gpt = defineLayer({
  type: 'GPT',
  keywords: {
    vocab_size: sizeOr(GPT_DEFAULTS.vocab_size),
    block_size: sizeOr(GPT_DEFAULTS.block_size),
    n_layer: sizeOr(GPT_DEFAULTS.n_layer),
    n_head: sizeOr(GPT_DEFAULTS.n_head),
    n_embd: sizeOr(GPT_DEFAULTS.n_embd),
    dropout: custom(GPT_DEFAULTS.dropout, (a, n) => {
      const p = a.num(n, GPT_DEFAULTS.dropout);
      if (!(p >= 0 && p <= 1)) throw pthlab(`GPT: dropout must be a number in [0, 1], got ${p}`);
      return p;
    }),
    bias: bool(GPT_DEFAULTS.bias),
  },
  check: (a) => {
    // nanoGPT's own assert in CausalSelfAttention.__init__ (an AssertionError without words there).
    if (a.n_embd % a.n_head !== 0)
      throw pthlab(`GPT: n_embd (${a.n_embd}) must be divisible by n_head (${a.n_head})`);
  },
  takes: {
    dtype: 'int64',
    otherwise: () => pthlab('a GPT takes integer token ids (B, T); this data is floating point', true),
  },
  state: (a) => ({ params: gptParams(a), tied: { 'lm_head.weight': [a.vocab_size, a.n_embd] } }),
  output: (a, input) => {
    if (input.length !== 2)
      throw pthlab(`GPT: expected token ids of shape (B, T), got ${formatShape(input)}`);
    const t = input[1]!;
    // nanoGPT's forward asserts this, in these words (its words, not torch's).
    if (t > a.block_size)
      throw pthlab(
        `Cannot forward sequence of length ${t}, block size is only ${a.block_size}`,
        false,
        `block_size is ${a.block_size}: feed at most that many tokens`,
      );
    return [...input, a.vocab_size]; // (B, T) -> (B, T, V)
  },
  build: (a, opts) => new GPT({ ...a }, opts),
  // Not offered by the "add" menu: a whole model, not a layer of a Sequential.
  editor: {},
});
