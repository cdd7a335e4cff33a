/**
 * nanoGPT's GPTConfig: the architecture spec `{"type": "GPT", ...}` and a checkpoint's `model_args` use its
 * names and defaults (karpathy/nanoGPT model.py).
 */

export interface GPTConfig {
  vocab_size: number;
  block_size: number;
  n_layer: number;
  n_head: number;
  n_embd: number;
  dropout: number;
  bias: boolean;
}

/** GPTConfig's dataclass defaults (GPT-2 small, vocab padded to 50304). */
export const GPT_DEFAULTS: GPTConfig = {
  vocab_size: 50304,
  block_size: 1024,
  n_layer: 12,
  n_head: 12,
  n_embd: 768,
  dropout: 0,
  bias: true,
};

const INT_KEYS = ['vocab_size', 'block_size', 'n_layer', 'n_head', 'n_embd'] as const;

/** A spec's or model_args' keys over the defaults, checked: positive integers, n_embd % n_head == 0. */
export function gptConfig(spec: Readonly<Record<string, unknown>>): GPTConfig {
  const known = new Set<string>(['type', ...Object.keys(GPT_DEFAULTS)]);
  const unknown = Object.keys(spec).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new RangeError(`GPTConfig got unexpected keyword '${unknown[0]}'`);
  const config = { ...GPT_DEFAULTS };
  for (const key of INT_KEYS) {
    const v = spec[key] ?? GPT_DEFAULTS[key];
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0)
      throw new RangeError(`GPT: ${key} must be a positive integer, got ${String(v)}`);
    config[key] = n;
  }
  // A Python int (0) is as good a dropout as a float: checkpoints from JSON configs hold one.
  const rawDropout = spec['dropout'] ?? GPT_DEFAULTS.dropout;
  const dropout = typeof rawDropout === 'bigint' ? Number(rawDropout) : rawDropout;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1))
    throw new RangeError(`GPT: dropout must be a number in [0, 1], got ${String(dropout)}`);
  config.dropout = dropout;
  const bias = spec['bias'] ?? GPT_DEFAULTS.bias;
  if (typeof bias !== 'boolean') throw new RangeError(`GPT: bias must be true or false, got ${String(bias)}`);
  config.bias = bias;
  if (config.n_embd % config.n_head !== 0)
    throw new RangeError(`GPT: n_embd (${config.n_embd}) must be divisible by n_head (${config.n_head})`);
  return config;
}
