/**
 * The GPT on the CPU backend without torch: its spec checks, nanoGPT's initialisation statistics, one storage
 * for the tied weight in a saved file, causality (a later token never changes an earlier logit), dropout only
 * in training, sampling's top-k and seed, and clipGradNorm against a hand computation.
 */
import { describe, expect, it } from 'vitest';
import type { PyDict, StoredTensor } from '../../../src/checkpoint/index.ts';
import { loadCheckpoint, saveTorchZip } from '../../../src/checkpoint/index.ts';
import { GPT, generate, gptFromSpec, toPyStateDict } from '../../../src/nn/index.ts';
import { pick } from '../../../src/nn/gpt/index.ts';
import { clipGradNorm } from '../../../src/optim/index.ts';
import { Generator, fromHost, tensor } from '../../../src/tensor/index.ts';

const TINY = { vocab_size: 13, block_size: 8, n_layer: 2, n_head: 2, n_embd: 16, dropout: 0, bias: true };
const ids = (rows: number[][]) => fromHost(Int32Array.from(rows.flat()), [rows.length, rows[0]!.length]);

describe('GPT', () => {
  it('refuses specs GPTConfig would not make', () => {
    expect(() => gptFromSpec({ type: 'GPT', ...TINY, n_head: 3 })).toThrow(/divisible by n_head/);
    expect(() => gptFromSpec({ type: 'GPT', ...TINY, n_layer: 0 })).toThrow(
      /n_layer must be a positive integer/,
    );
    expect(() => gptFromSpec({ type: 'GPT', ...TINY, dropout: 1.5 })).toThrow(/dropout/);
    expect(() => gptFromSpec({ type: 'GPT', ...TINY, bias: 'yes' })).toThrow(/bias/);
    expect(() => gptFromSpec({ type: 'GPT', ...TINY, n_embed: 16 })).toThrow(/unexpected keyword 'n_embed'/);
    expect(() => gptFromSpec({ type: 'Linear' })).toThrow(/expected type GPT/);
    expect(
      gptFromSpec({ type: 'GPT', n_layer: 1, n_head: 1, n_embd: 4, vocab_size: 5 }).config.block_size,
    ).toBe(1024);
  });

  it('initialises as nanoGPT: N(0, 0.02), c_proj N(0, 0.02/sqrt(2 n_layer)), zero biases, unit LayerNorm', () => {
    const model = new GPT({ ...TINY, n_embd: 64, vocab_size: 200 }, { generator: new Generator(1) });
    const sd = model.stateDict();
    const std = (key: string) => {
      const d = [...sd.get(key)!.dataSync()];
      const mean = d.reduce((a, v) => a + v, 0) / d.length;
      return Math.sqrt(d.reduce((a, v) => a + (v - mean) ** 2, 0) / d.length);
    };
    expect(std('transformer.wte.weight')).toBeCloseTo(0.02, 3);
    expect(std('transformer.h.0.attn.c_attn.weight')).toBeCloseTo(0.02, 3);
    expect(std('transformer.h.1.mlp.c_proj.weight')).toBeCloseTo(0.02 / Math.sqrt(4), 3);
    expect([...sd.get('transformer.h.0.mlp.c_fc.bias')!.dataSync()].every((v) => v === 0)).toBe(true);
    expect([...sd.get('transformer.ln_f.weight')!.dataSync()].every((v) => v === 1)).toBe(true);
  });

  it('saves the tied weight as one storage under both keys, as torch', async () => {
    const model = new GPT({ ...TINY, bias: false });
    const saved = loadCheckpoint(saveTorchZip(await toPyStateDict(model))).value as PyDict;
    const wte = saved.get('transformer.wte.weight') as StoredTensor;
    const head = saved.get('lm_head.weight') as StoredTensor;
    expect(wte.storage).toBe(head.storage);
    expect(saved.has('transformer.ln_f.bias')).toBe(false);
    expect(model.parameters().filter((p) => p === model.lmHead.weight)).toHaveLength(1);
  });

  it('is causal: later tokens do not change earlier logits; the loss ignores -1 targets', () => {
    const model = new GPT(TINY, { generator: new Generator(3) });
    const a = model.forward(ids([[1, 2, 3, 4, 5]])).dataSync();
    const b = model.forward(ids([[1, 2, 3, 9, 0]])).dataSync();
    const v = TINY.vocab_size;
    expect([...a.slice(0, 3 * v)]).toEqual([...b.slice(0, 3 * v)]);
    expect([...a.slice(3 * v, 4 * v)]).not.toEqual([...b.slice(3 * v, 4 * v)]);
    const full = model.forwardWithLoss(ids([[1, 2, 3]]), ids([[2, 3, 4]])).loss.item();
    const masked = model.forwardWithLoss(ids([[1, 2, 3]]), ids([[2, -1, -1]])).loss.item();
    expect(masked).not.toBeCloseTo(full, 5);
    expect(() => model.forward(ids([[0, 1, 2, 3, 4, 5, 6, 7, 8]]))).toThrow(/block size is only 8/);
  });

  it('applies dropout in training only', () => {
    const model = new GPT({ ...TINY, dropout: 0.5 }, { generator: new Generator(4) });
    const x = ids([[1, 2, 3]]);
    const train1 = model.forward(x).dataSync();
    const train2 = model.forward(x).dataSync();
    expect([...train1]).not.toEqual([...train2]);
    model.eval();
    expect([...model.forward(x).dataSync()]).toEqual([...model.forward(x).dataSync()]);
  });

  it('samples: greedy is argmax, top-k 1 is greedy, a seed repeats, the context is cropped', async () => {
    const model = new GPT(TINY, { generator: new Generator(5) });
    const greedy = await generate(model, [[1, 2]], 10, { temperature: 0 });
    expect(greedy[0]).toHaveLength(12);
    expect(await generate(model, [[1, 2]], 10, { temperature: 1, topK: 1, seed: 9 })).toEqual(greedy);
    const s1 = await generate(
      model,
      [
        [1, 2],
        [3, 4],
      ],
      6,
      { temperature: 1.5, seed: 7 },
    );
    expect(
      await generate(
        model,
        [
          [1, 2],
          [3, 4],
        ],
        6,
        { temperature: 1.5, seed: 7 },
      ),
    ).toEqual(s1);
    expect(model.training).toBe(true); // put back in its mode
    const gen = new Generator(0);
    expect(pick([0, 5, 5, 1], 0, null, gen)).toBe(1); // the first maximum, as torch.argmax
    for (let i = 0; i < 50; i++) expect([1, 2]).toContain(pick([0, 5, 5, 1], 1, 2, gen)); // ties with the k-th kept
  });
});

describe('clipGradNorm', () => {
  it('scales every gradient by max_norm / (total + 1e-6) when the total norm exceeds it', () => {
    const a = tensor([3, 0], [2], { requiresGrad: true });
    const b = tensor([4], [1], { requiresGrad: true });
    a.mul(tensor([1, 1]))
      .sum()
      .add(b.sum())
      .backward(); // grads: a [1, 1], b [1]
    a.grad = tensor([3, 0]);
    b.grad = tensor([4]);
    const total = clipGradNorm([a, b], 1)!;
    expect(total.item()).toBeCloseTo(5, 6);
    expect([...a.grad.dataSync()].map((v) => v.toFixed(6))).toEqual(['0.600000', '0.000000']);
    expect(b.grad.item()).toBeCloseTo(4 / (5 + 1e-6), 6);
    const small = tensor([0.1], [1], { requiresGrad: true });
    small.grad = tensor([0.1]);
    clipGradNorm([small], 1);
    expect(small.grad.item()).toBeCloseTo(0.1, 7); // clamped coefficient 1
  });
});
