/**
 * `pthlab sample --ckpt FILE (--prompt TEXT --meta meta.pkl | --prompt-ids 1,2,3) --tokens N [--temperature T]
 * [--top-k K] [--seed S]`: continues a prompt with the GPT of a nanoGPT ckpt.pt, as nanoGPT's sample.py (its
 * defaults: temperature 0.8, top_k 200, seed 1337; temperature 0 is greedy). Prints the prompt and its
 * continuation as text, or with --prompt-ids one JSON object {"ids": [prompt and generated ids]}.
 */
import { parseArgs } from 'node:util';
import { generate } from '../nn/gpt/index.ts';
import { loadNanoGpt } from '../train/nanogpt.ts';
import { decodeChars, encodeChars, readMetaPkl } from '../train/nanogpt-meta.ts';
import { UsageError } from './convert.ts';
import { readBytes } from './files.ts';

export const sampleUsage = `  pthlab sample --ckpt FILE (--prompt TEXT --meta meta.pkl | --prompt-ids 1,2,3) --tokens N
                [--temperature T] [--top-k K] [--seed S]
                                   continue a prompt with a nanoGPT ckpt.pt (temperature 0: greedy)`;

export interface SampleArgs {
  ckpt: string;
  prompt: { text: string; meta: string } | { ids: number[] };
  tokens: number;
  temperature: number;
  topK: number | null;
  seed: number;
}

function count(text: string | undefined, what: string, fallback: number | null): number | null {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`sample: ${what} takes a whole number, got ${text}`);
  return n;
}

export function parseSampleArgs(argv: string[]): SampleArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ckpt: { type: 'string' },
      prompt: { type: 'string' },
      meta: { type: 'string' },
      'prompt-ids': { type: 'string' },
      tokens: { type: 'string' },
      temperature: { type: 'string' },
      'top-k': { type: 'string' },
      seed: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`sample: unexpected ${positionals[0]}`);
  if (values.ckpt === undefined) throw new UsageError('sample: --ckpt is required');
  if (values.tokens === undefined) throw new UsageError('sample: --tokens is required');
  let prompt: SampleArgs['prompt'];
  if (values['prompt-ids'] !== undefined) {
    if (values.prompt !== undefined) throw new UsageError('sample: give --prompt or --prompt-ids, not both');
    const ids = values['prompt-ids'].split(',').map((p) => count(p.trim(), '--prompt-ids', null) as number);
    prompt = { ids };
  } else {
    if (values.prompt === undefined || values.meta === undefined)
      throw new UsageError('sample: --prompt TEXT needs --meta meta.pkl (or give --prompt-ids)');
    prompt = { text: values.prompt, meta: values.meta };
  }
  const temperature = values.temperature === undefined ? 0.8 : Number(values.temperature);
  if (!(temperature >= 0))
    throw new UsageError(`sample: --temperature takes a number >= 0, got ${values.temperature}`);
  return {
    ckpt: values.ckpt,
    prompt,
    tokens: count(values.tokens, '--tokens', 0) as number,
    temperature,
    topK: count(values['top-k'], '--top-k', 200),
    seed: count(values.seed, '--seed', 1337) as number,
  };
}

/** What the command prints (ends with a newline). */
export async function sampleCommand(args: SampleArgs): Promise<string> {
  const { model } = loadNanoGpt(readBytes(args.ckpt));
  const meta = 'meta' in args.prompt ? readMetaPkl(readBytes(args.prompt.meta)) : null;
  const ids =
    meta === null
      ? (args.prompt as { ids: number[] }).ids
      : encodeChars(meta, (args.prompt as { text: string }).text);
  if (ids.length === 0) throw new UsageError('sample: the prompt is empty');
  const vocab = model.config.vocab_size;
  const bad = ids.find((i) => i >= vocab);
  if (bad !== undefined)
    throw new UsageError(`sample: id ${bad} is outside the vocabulary (vocab_size ${vocab})`);
  const [out] = await generate(model, [ids], args.tokens, {
    temperature: args.temperature,
    topK: args.topK,
    seed: args.seed,
  });
  return meta === null ? `${JSON.stringify({ ids: out })}\n` : `${decodeChars(meta, out as number[])}\n`;
}
