/**
 * `pthlab train` on nanoGPT's GPT against torch 2.6 (py/engine/gpt_train_cli.py, nanoGPT's loop on the
 * reference GPT): int64 (N, T) data, cross-entropy over (B*T, V), AdamW with nanoGPT's two param groups,
 * --betas and --clip-grad-norm. The same training from the same init gives torch's per-step losses, and
 * the `--out-format nanogpt` ckpt.pt opens in nanoGPT's resume with torch's weights and AdamW moments; a
 * ckpt.pt torch wrote mid-run (compiled keys) resumes with `--resume` from its iter_num to the same end.
 * The text sandbox's Save (ckpt.pt + meta.pkl) opens in nanoGPT's resume and samples torch's greedy text.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../../src/nn/gpt/index.ts';
import { prepareText } from '../../../src/train/datasets/text.ts';
import { TextSandbox } from '../../../src/train/text-sandbox.ts';
import { runTorch } from '../harness.ts';
import { expectAllClose, pthlabOk, readLog, trainScratch } from './helpers.ts';

const cfg = {
  model_args: { n_layer: 2, n_head: 2, n_embd: 16, block_size: 8, bias: true, vocab_size: 11, dropout: 0 },
  rows: 12,
  batch: 3,
  steps: 6,
  resume_at: 3,
  lr: 3e-3,
  weight_decay: 0.1,
  betas: [0.9, 0.95],
  clip: 0.5,
  seed: 7,
};

interface Check {
  iter_num: number;
  best_val_loss: number;
  config_keys: string[];
  groups: [number, number][];
  steps: number[];
  weights_max_diff: number;
  moments_max_diff: number;
  sample_length: number;
}

describe('pthlab train on a GPT, against nanoGPT on torch 2.6', () => {
  const dir = trainScratch();
  const torch = async <T>(mode: string, extra: object = {}): Promise<T> => {
    const out = await runTorch('2.6', 'engine/gpt_train_cli.py', [
      mode,
      dir.py(''),
      JSON.stringify({ ...cfg, ...extra }),
    ]);
    return JSON.parse(out.trim().split('\n').at(-1) ?? '') as T;
  };
  let reference: number[] = [];
  beforeAll(async () => {
    reference = (await torch<{ loss: number[] }>('make')).loss;
  }, 120_000);
  afterAll(() => dir.cleanup());

  const run = (steps: number, out: string, start: string[]): string[] => [
    'train',
    ...start,
    ...['--data', dir.host('data.safetensors'), '--steps', String(steps), '--batch', String(cfg.batch)],
    ...['--clip-grad-norm', String(cfg.clip), '--out-format', 'nanogpt'],
    ...['--out', dir.host(out), '--log', dir.host(`${out}.json`)],
  ];

  it('the same training from the same init: torch per-step losses, weights and AdamW state', async () => {
    const arch = JSON.stringify({ type: 'GPT', ...cfg.model_args });
    writeFileSync(dir.host('gpt.json'), arch);
    await pthlabOk(
      run(cfg.steps, 'ours_ckpt.pt', [
        ...['--arch', dir.host('gpt.json'), '--init', dir.host('init.pth'), '--loss', 'cross_entropy'],
        ...['--optim', 'adamw', '--lr', String(cfg.lr), '--weight-decay', String(cfg.weight_decay)],
        ...['--betas', cfg.betas.join(',')],
      ]),
    );
    expectAllClose(readLog(dir.host('ours_ckpt.pt.json')), reference, 'loss', 1e-4, 1e-5);
    const c = await torch<Check>('check', { file: 'ours_ckpt.pt' });
    expect(c.iter_num).toBe(cfg.steps);
    expect(c.best_val_loss).toBe(1e9); // nanoGPT's value before any evaluation
    expect(c.config_keys).toEqual(expect.arrayContaining(['batch_size', 'grad_clip', 'learning_rate']));
    // Two groups: 2 (wpe; wte = lm_head once) + 4 per block matrices decay, the rest (biases, norms) do not.
    expect(c.groups).toEqual([
      [2 + 4 * cfg.model_args.n_layer, cfg.weight_decay],
      [8 * cfg.model_args.n_layer + 2, 0],
    ]);
    expect(c.steps).toEqual([cfg.steps]);
    expect(c.weights_max_diff).toBeLessThan(1e-5);
    expect(c.moments_max_diff).toBeLessThan(1e-6);
    expect(c.sample_length).toBe(6);
  }, 300_000);

  it("--resume of torch's mid-run ckpt.pt continues from its iter_num to torch's end", async () => {
    const r = await pthlabOk(
      run(cfg.steps - cfg.resume_at, 'resumed_ckpt.pt', ['--resume', dir.host('torch_ckpt.pt')]),
    );
    expect(r.stderr).not.toContain('warning');
    expectAllClose(
      readLog(dir.host('resumed_ckpt.pt.json')),
      reference.slice(cfg.resume_at),
      'loss',
      1e-4,
      1e-5,
    );
    const c = await torch<Check>('check', { file: 'resumed_ckpt.pt' });
    expect(c.iter_num).toBe(cfg.steps);
    expect(c.best_val_loss).toBe(3.25); // carried over from torch's file
    expect(c.config_keys).toContain('dataset');
    expect(c.steps).toEqual([cfg.steps]);
    expect(c.weights_max_diff).toBeLessThan(1e-5);
    expect(c.moments_max_diff).toBeLessThan(1e-6);
  }, 300_000);

  it("the text sandbox's ckpt.pt and meta.pkl open in nanoGPT and sample the same greedy text", async () => {
    const corpus = prepareText('a bat, a cat; a hat! '.repeat(20));
    const box = TextSandbox.create(corpus, { preset: 'gpt-tiny', seed: 2, batch: 2, lr: 1e-2 });
    for (let i = 0; i < 3; i++) await box.trainStep();
    const { ckpt, meta } = await box.save();
    writeFileSync(dir.host('ckpt.pt'), ckpt);
    writeFileSync(dir.host('meta.pkl'), meta);
    const prompt = 'a cat';
    const [ids] = await generate(box.model, [[...prompt].map((c) => corpus.vocab.stoi.get(c)!)], 12, {
      temperature: 0,
    });
    const ours = ids!.map((i) => corpus.vocab.itos[i]).join('');
    const theirs = await torch<{ iter_num: number; text: string; vocab_size: number }>('open', {
      prompt,
      tokens: 12,
    });
    expect(theirs).toEqual({ iter_num: 3, text: ours, vocab_size: corpus.vocab.vocabSize });
  }, 300_000);
});
