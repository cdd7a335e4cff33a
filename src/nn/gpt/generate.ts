/**
 * nanoGPT's GPT.generate: for each new token, crop the context to block_size, take the logits at the last
 * position divided by the temperature, keep the top k (ties with the k-th kept, as nanoGPT's `logits < v[-1]`),
 * softmax, draw one id. Temperature 0 is greedy: the first index of the maximum (torch.argmax), where
 * nanoGPT would divide by zero. Sampling runs on the host from our seeded generator, so sampled ids are not
 * torch's (torch.multinomial draws from its own stream); greedy ids are the same.
 * The model runs in eval mode (dropout off) and is put back in the mode it was in.
 */
import { Generator, type Tensor, fromHost, noGrad } from '../../tensor/index.ts';
import type { GPT } from './model.ts';

export interface GenerateOptions {
  /** 1 by default; 0 picks the argmax. */
  temperature?: number;
  /** Keep only the k most likely ids (null: all). */
  topK?: number | null;
  /** Seeds the sampler (not used when greedy). */
  seed?: number;
}

/** Each row of `ids` (equal lengths, at least one id) continued by maxNewTokens ids. */
export async function generate(
  model: GPT,
  ids: readonly (readonly number[])[],
  maxNewTokens: number,
  opts: GenerateOptions = {},
): Promise<number[][]> {
  const temperature = opts.temperature ?? 1;
  if (!(temperature >= 0)) throw new RangeError(`temperature must be >= 0, got ${temperature}`);
  const rows = ids.map((r) => [...r]);
  const length = rows[0]?.length ?? 0;
  if (length === 0 || rows.some((r) => r.length !== length))
    throw new RangeError('generate: ids must be rows of one length, at least one id each');
  const gen = new Generator(opts.seed ?? 1337);
  const backend = model.lmHead.weight.backend;
  const { block_size: blockSize, vocab_size: vocab } = model.config;
  const wasTraining = model.training;
  model.eval();
  try {
    for (let step = 0; step < maxNewTokens; step++) {
      const context = rows.map((r) => r.slice(-blockSize));
      const t = context[0]!.length;
      const idx = fromHost(Int32Array.from(context.flat()), [rows.length, t], { backend }); // (B, T)
      const logits: Tensor = noGrad(() => model.forward(idx).narrow(1, t - 1, 1)); // (B, 1, V)
      const last = await logits.data();
      rows.forEach((r, b) =>
        r.push(pick(last.subarray(b * vocab, (b + 1) * vocab), temperature, opts.topK ?? null, gen)),
      );
    }
  } finally {
    model.train(wasTraining);
  }
  return rows;
}

/** One id from a row of logits. */
export function pick(
  logits: ArrayLike<number>,
  temperature: number,
  topK: number | null,
  gen: Generator,
): number {
  const n = logits.length;
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  }
  const scaled = Float64Array.from({ length: n }, (_, i) => Math.fround(logits[i]! / temperature));
  if (topK !== null) {
    const k = Math.min(Math.max(1, topK), n);
    const kth = [...scaled].sort((a, b) => b - a)[k - 1]!;
    for (let i = 0; i < n; i++) if (scaled[i]! < kth) scaled[i] = -Infinity;
  }
  const max = Math.max(...scaled);
  const weights = scaled.map((v) => Math.exp(v - max));
  const total = weights.reduce((a, v) => a + v, 0);
  let u = gen.uniformArray(1, 0, 1)[0]! * total;
  for (let i = 0; i < n; i++) {
    u -= weights[i]!;
    if (u < 0 && weights[i]! > 0) return i;
  }
  // Rounding left u just above zero: the last id with any weight.
  for (let i = n - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return 0;
}
