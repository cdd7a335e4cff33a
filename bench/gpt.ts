/**
 * `npm run bench -- --only gpt`: a GPT training step (n_layer 4, n_head 4, n_embd 128, block 64, batch 16,
 * AdamW with nanoGPT's groups, grad clip 1) through the shipped Trainer, and greedy sampling tokens/s (one
 * prompt, the context growing to block_size), pthlab on WebGPU in Node (Dawn) beside torch 2.6 on the CPU
 * (test/torch/py/bench_gpt.py, nanoGPT's model from py/engine/nanogpt_model.py) in the same run.
 */
import { GPT, generate } from '../src/nn/gpt/index.ts';
import { createOptimizerFor } from '../src/optim/index.ts';
import { Generator, createWebGpuBackend, fromHost } from '../src/tensor/index.ts';
import { Trainer } from '../src/train/trainer.ts';
import { runTorch } from '../test/torch/harness.ts';
import { median } from './engine/timing.ts';

export const gptBenchConfig = {
  model: { vocab_size: 65, block_size: 64, n_layer: 4, n_head: 4, n_embd: 128, dropout: 0, bias: true },
  batch: 16,
  steps: 12,
  sampleTokens: 64,
  /** Each pthlab cell stops after this many seconds with what it has (SwiftShader on a loaded CPU is slow). */
  capSeconds: 60,
};

export interface GptBenchReport {
  adapter: string;
  pthlab: { stepsPerSecond: number; tokensPerSecond: number };
  torch: { stepsPerSecond: number; tokensPerSecond: number; threads: number } | { error: string };
}

async function pthlabSide(): Promise<{ adapter: string; stepsPerSecond: number; tokensPerSecond: number }> {
  const be = await createWebGpuBackend();
  const { model: config, batch, steps, sampleTokens, capSeconds } = gptBenchConfig;
  const model = new GPT(config, { backend: be, generator: new Generator(0) });
  const optimizer = createOptimizerFor('adamw', model, { lr: 1e-3, weightDecay: 0.1, betas: [0.9, 0.99] });
  const gen = new Generator(1);
  const ids = (n: number) =>
    Int32Array.from({ length: n }, () => Math.floor(gen.random() * config.vocab_size));
  const n = batch * config.block_size;
  const shape = [batch, config.block_size];
  const x = fromHost(ids(n), shape, { backend: be });
  const y = fromHost(ids(n), shape, { backend: be });
  const trainer = new Trainer({
    model,
    optimizer,
    data: { length: n, batch: () => [x, y] },
    batchSize: batch,
    loss: 'cross_entropy',
    backend: be,
    clipGradNorm: 1,
  });
  await trainer.trainStep(); // warm-up: shader compiles, pools
  const times: number[] = [];
  const started = performance.now();
  while (times.length < steps && (times.length === 0 || performance.now() - started < capSeconds * 1000)) {
    const t0 = performance.now();
    await trainer.trainStep();
    times.push(performance.now() - t0);
  }
  process.stderr.write(`gpt: pthlab ${times.length} timed steps\n`);
  await generate(model, [[0]], 2, { temperature: 0 }); // warm-up of the eval path
  // One token at a time (the context growing), until sampleTokens or the cap.
  let context = [0];
  let tokens = 0;
  const t0 = performance.now();
  while (tokens < sampleTokens && (tokens === 0 || performance.now() - t0 < capSeconds * 1000)) {
    context = (await generate(model, [context], 1, { temperature: 0 }))[0]!;
    tokens++;
  }
  const sampleS = (performance.now() - t0) / 1000;
  const info = be.adapter;
  be.destroy();
  return {
    adapter: info ? `${info.vendor} ${info.architecture}` : 'unknown',
    stepsPerSecond: 1000 / median(times),
    tokensPerSecond: tokens / sampleS,
  };
}

export async function gptReport(): Promise<GptBenchReport> {
  let torch: GptBenchReport['torch'];
  try {
    const out = await runTorch('2.6', 'bench_gpt.py', [JSON.stringify(gptBenchConfig)]);
    torch = JSON.parse(out.trim().split('\n').at(-1) ?? '') as GptBenchReport['torch'];
  } catch (e) {
    torch = { error: (e as Error).message.split('\n')[0] ?? 'failed' };
  }
  process.stderr.write(`gpt: torch done\n`);
  const ours = await pthlabSide();
  return {
    adapter: ours.adapter,
    pthlab: { stepsPerSecond: ours.stepsPerSecond, tokensPerSecond: ours.tokensPerSecond },
    torch,
  };
}

export function gptTable(r: GptBenchReport): string {
  const c = gptBenchConfig;
  const m = c.model;
  const torch = 'error' in r.torch ? undefined : r.torch;
  const fmt = (v: number | undefined) => (v === undefined ? 'n/a'.padStart(14) : v.toFixed(2).padStart(14));
  return [
    `GPT (n_layer ${m.n_layer}, n_head ${m.n_head}, n_embd ${m.n_embd}, block ${m.block_size}, batch ${c.batch}), medians`,
    `${'row'.padEnd(30)}${'pthlab-webgpu'.padStart(14)}${'torch-cpu'.padStart(14)}`,
    `${'training steps/s'.padEnd(30)}${fmt(r.pthlab.stepsPerSecond)}${fmt(torch?.stepsPerSecond)}`,
    `${`greedy sampling tokens/s`.padEnd(30)}${fmt(r.pthlab.tokensPerSecond)}${fmt(torch?.tokensPerSecond)}`,
    `pthlab adapter: ${r.adapter}; torch: ${torch === undefined ? (r.torch as { error: string }).error : `${torch.threads} threads`}`,
  ].join('\n');
}
