/**
 * One training run of pthlab's GPT as nanoGPT's train.py (AdamW with its two parameter groups, gradient
 * clipping), beside the same run of test/torch/py/engine/nanogpt_model.py in torch 2.6 from the same initial
 * weights (pthlab writes them, torch loads them). Shared by the CPU and WebGPU cases of gpt.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveTorchZip } from '../../../src/checkpoint/index.ts';
import { type GPTConfig, GPT } from '../../../src/nn/gpt/index.ts';
import { toPyStateDict } from '../../../src/nn/index.ts';
import { AdamW, clipGradNorm, decayGroups } from '../../../src/optim/index.ts';
import { type Backend, Generator, fromHost } from '../../../src/tensor/index.ts';
import { type JsonTensor, torchJson } from './torch-json.ts';

export const HYPER = { lr: 3e-2, betas: [0.9, 0.95] as [number, number], weight_decay: 0.1, clip: 1.0 };
const STEPS = 6;
const BATCH = 2;

/** A pattern to learn: each row counts up by a stride modulo V; one target is -1 (ignored, as nanoGPT's). */
export function batches(config: GPTConfig): { x: number[][]; y: number[][] }[] {
  const t = config.block_size;
  const v = config.vocab_size;
  return Array.from({ length: STEPS }, (_, s) => {
    const rows = Array.from({ length: BATCH }, (_, b) =>
      Array.from({ length: t + 1 }, (_, i) => (s * 3 + b * 5 + i * (1 + ((s + b) % 2))) % v),
    );
    const y = rows.map((r) => r.slice(1));
    if (s === 1) y[0]![2] = -1;
    return { x: rows.map((r) => r.slice(0, t)), y };
  });
}

export interface TorchRun {
  keys: [string, number[]][];
  named_parameters: string[];
  losses: number[];
  grad_norms: number[];
  state_dict: Record<string, JsonTensor>;
  greedy: number[];
}

export interface OurRun {
  model: GPT;
  optimizer: AdamW;
  losses: number[];
  gradNorms: number[];
}

/** Writes init.pth and case.json into `dir` (host path), then trains pthlab's model on `backend`. */
export async function trainBoth(
  config: GPTConfig,
  backend: Backend,
  dir: { host: string; py: string },
  prompt: number[],
  newTokens: number,
): Promise<{ ours: OurRun; torch: TorchRun }> {
  const model = new GPT(config, { backend, generator: new Generator(5) });
  writeFileSync(join(dir.host, 'init.pth'), saveTorchZip(await toPyStateDict(model)));
  const data = batches(config);
  const caseJson = {
    config: { type: 'GPT', ...config },
    batches: data,
    ...HYPER,
    prompt,
    new_tokens: newTokens,
  };
  writeFileSync(join(dir.host, 'case.json'), JSON.stringify(caseJson));
  const torchRun = torchJson<TorchRun>('2.6', 'gpt.py', [dir.py]);

  const optimizer = new AdamW(decayGroups(model, HYPER.weight_decay), { lr: HYPER.lr, betas: HYPER.betas });
  const losses: number[] = [];
  const gradNorms: number[] = [];
  const ids = (rows: number[][]) =>
    fromHost(Int32Array.from(rows.flat()), [rows.length, rows[0]!.length], { backend });
  model.train();
  for (const { x, y } of data) {
    const { loss } = model.forwardWithLoss(ids(x), ids(y));
    loss.backward();
    const norm = clipGradNorm(model.parameters(), HYPER.clip);
    optimizer.step();
    optimizer.zeroGrad();
    losses.push((await loss.data())[0]!);
    gradNorms.push((await norm!.data())[0]!);
  }
  return { ours: { model, optimizer, losses, gradNorms }, torch: await torchRun };
}
