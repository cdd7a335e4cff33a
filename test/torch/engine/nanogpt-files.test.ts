/**
 * nanoGPT's ckpt.pt and meta.pkl both ways with torch 2.6 (py/engine/nanogpt_files.py): torch.load (its
 * default, weights_only=True) and nanoGPT's resume read what pthlab writes, and the model torch rebuilds
 * from it gives pthlab's logits; pthlab reads a torch-written ckpt.pt (compiled model's `_orig_mod.` keys,
 * AdamW state) and meta.pkl and gives torch's logits.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GPT } from '../../../src/nn/gpt/index.ts';
import { AdamW, decayGroups } from '../../../src/optim/index.ts';
import { Generator, fromHost } from '../../../src/tensor/index.ts';
import { loadNanoGpt, saveNanoGpt } from '../../../src/train/nanogpt.ts';
import { charMeta, readMetaPkl, writeMetaPkl } from '../../../src/train/nanogpt-meta.ts';
import { scratchDir } from '../harness.ts';
import { pthlabOk } from '../train/helpers.ts';
import { type JsonTensor, expectClose, torchJson } from './torch-json.ts';

interface FilesReport {
  model_args: Record<string, unknown>;
  iter_num: number;
  best_val_loss: number;
  best_val_loss_is_tensor: boolean;
  config: Record<string, unknown>;
  optimizer_groups: number[];
  meta: { vocab_size: number; itos: [number, string][]; stoi: [string, number][] };
  ours_logits: JsonTensor;
  theirs_logits: JsonTensor;
  theirs_text: string;
  theirs_greedy_text: string;
}

const ids = () => fromHost(Int32Array.of(1, 2, 3, 4, 0), [1, 5]);

describe('nanoGPT ckpt.pt and meta.pkl with torch 2.6', () => {
  const scratch = scratchDir('2.6');
  afterAll(() => scratch.cleanup());

  it('torch resumes from ours; we resume from torch', async () => {
    const config = {
      vocab_size: 9,
      block_size: 6,
      n_layer: 1,
      n_head: 2,
      n_embd: 8,
      dropout: 0.1,
      bias: true,
    };
    const model = new GPT(config, { generator: new Generator(2) });
    const optimizer = new AdamW(decayGroups(model, 0.1), { lr: 1e-3, betas: [0.9, 0.95] });
    const { loss } = model.forwardWithLoss(ids(), fromHost(Int32Array.of(2, 3, 4, 0, -1), [1, 5]));
    loss.backward();
    optimizer.step();
    const runConfig = { dataset: 'shakespeare_char', learning_rate: 1e-3, compile: false, batch_size: 12n };
    const bytes = await saveNanoGpt({ model, optimizer, iterNum: 250, bestValLoss: 2.25, config: runConfig });
    writeFileSync(join(scratch.hostPath, 'ours_ckpt.pt'), bytes);
    const meta = charMeta('hello, world!\n');
    writeFileSync(join(scratch.hostPath, 'ours_meta.pkl'), writeMetaPkl(meta));

    const r = await torchJson<FilesReport>('2.6', 'nanogpt_files.py', [scratch.pyPath]);

    expect(r.model_args).toEqual(config);
    expect(r.iter_num).toBe(250);
    expect(r.best_val_loss).toBe(2.25);
    expect(r.best_val_loss_is_tensor).toBe(true);
    expect(r.config).toEqual({ ...runConfig, batch_size: 12 });
    expect(r.optimizer_groups).toEqual(optimizer.paramGroups.map((g) => g.params.length));
    expect(r.meta.vocab_size).toBe(meta.vocabSize);
    expect(r.meta.itos).toEqual([...meta.itos]);
    expect(r.meta.stoi).toEqual([...meta.stoi]);
    model.eval();
    expectClose(model.forward(ids()), r.ours_logits, 'logits of our checkpoint in torch', {
      rtol: 1e-5,
      atol: 1e-6,
    });

    // The other way: torch's files.
    const loaded = loadNanoGpt(readFileSync(join(scratch.hostPath, 'torch_ckpt.pt')));
    expect(loaded.checkpoint.iterNum).toBe(1);
    expect(loaded.model.config.vocab_size).toBe(charMeta(r.theirs_text).vocabSize);
    expect(loaded.checkpoint.bestValLoss).toBe(2.5);
    expect(loaded.checkpoint.config.get('dataset')).toBe('shakespeare_char');
    expect([...loaded.model.stateDict().keys()]).toContain('transformer.h.0.attn.c_attn.weight');
    loaded.model.eval();
    expectClose(loaded.model.forward(ids()), r.theirs_logits, 'logits of torch checkpoint', {
      rtol: 1e-5,
      atol: 1e-6,
    });
    const resumed = new AdamW(decayGroups(loaded.model, 0.1), { lr: 1 });
    resumed.loadStateDict(loaded.checkpoint.optimizer!);
    expect(resumed.paramGroups[0]!.lr).toBe(1e-2);
    expect(resumed.state.size).toBe(loaded.model.parameters().length);
    const theirMeta = readMetaPkl(readFileSync(join(scratch.hostPath, 'torch_meta.pkl')));
    expect(theirMeta).toEqual(charMeta(r.theirs_text));

    // `pthlab sample` with a text prompt and torch's meta.pkl: greedy text as torch's.
    const file = (name: string) => join(scratch.hostPath, name);
    const sample = [
      'sample',
      '--ckpt',
      file('torch_ckpt.pt'),
      '--meta',
      file('torch_meta.pkl'),
      '--prompt',
      'hel',
    ];
    const run = await pthlabOk([...sample, '--tokens', '8', '--temperature', '0']);
    expect(run.stdout).toBe(`${r.theirs_greedy_text}\n`);
  });
});
