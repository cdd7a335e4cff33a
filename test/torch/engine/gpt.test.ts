/**
 * pthlab's GPT against a GPT written from nanoGPT's architecture in torch 2.6 (py/engine/nanogpt_model.py):
 * state_dict keys and shapes and named_parameters order equal; from the same initial weights, the per-step
 * losses and final weights of the same AdamW training (nanoGPT's parameter groups, clip_grad_norm_) agree,
 * on the CPU backend and on WebGPU (Dawn + SwiftShader); the optimizer state_dict has torch's layout and
 * values and loads back; greedy samples from the trained weights equal torch's token for token.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredTensor } from '../../../src/checkpoint/index.ts';
import { type PyDict, loadCheckpoint } from '../../../src/checkpoint/index.ts';
import { type GPTConfig, generate } from '../../../src/nn/gpt/index.ts';
import { AdamW, decayGroups } from '../../../src/optim/index.ts';
import { type Backend, type Tensor, cpu, createWebGpuBackend } from '../../../src/tensor/index.ts';
import { storedToHost } from '../../../src/nn/index.ts';
import { scratchDir } from '../harness.ts';
import { pthlabOk } from '../train/helpers.ts';
import { HYPER, trainBoth } from './gpt-run.ts';
import { expectClose, toTensor } from './torch-json.ts';

const TINY = { vocab_size: 11, block_size: 8, n_layer: 2, n_head: 2, n_embd: 16, dropout: 0 };
const PROMPT = [1, 2, 3];
const NEW_TOKENS = 12; // past block_size: the context is cropped as nanoGPT's

interface Tolerances {
  loss: { rtol: number; atol: number };
  /** Final weights, after 6 AdamW steps of lr 0.03: an atol of 1e-4 is 0.3% of one step. */
  weights: { rtol: number; atol: number };
  /** clip_grad_norm_'s total norms. */
  norm: { rtol: number; atol: number };
  /** The optimizer's exp_avg and exp_avg_sq. */
  state: { rtol: number; atol: number };
}

function gptCase(
  name: string,
  config: GPTConfig,
  makeBackend: () => Promise<Backend>,
  tol: Tolerances,
): void {
  describe(`GPT vs torch 2.6 (${name})`, () => {
    const scratch = scratchDir('2.6');
    afterAll(() => scratch.cleanup());

    it('same keys, same training, same optimizer state, same greedy samples', async () => {
      const backend = await makeBackend();
      const dir = { host: scratch.hostPath, py: scratch.pyPath };
      const { ours, torch } = await trainBoth(config, backend, dir, PROMPT, NEW_TOKENS);
      const { model, optimizer } = ours;

      const sd = model.stateDict();
      expect([...sd].map(([k, t]) => [k, [...t.shape]])).toEqual(torch.keys);
      expect(sd.get('lm_head.weight')!.buffer).toBe(sd.get('transformer.wte.weight')!.buffer); // tied
      expect(model.namedParameters().map(([n]) => n)).toEqual(torch.named_parameters);

      expectClose(
        ours.losses,
        { shape: [ours.losses.length], dtype: 'float32', data: torch.losses },
        'losses',
        tol.loss,
      );
      // clip_grad_norm_'s total norms, before clipping; some above max_norm, so clipping did act.
      const norms = { shape: [ours.gradNorms.length], dtype: 'float32' as const, data: torch.grad_norms };
      expectClose(ours.gradNorms, norms, 'gradient norms', tol.norm);
      expect(torch.grad_norms.some((n) => n > HYPER.clip)).toBe(true);
      for (const [key, t] of sd) {
        const got = await t.data();
        const want = torch.state_dict[key]!;
        if (key.endsWith('attn.c_attn.bias')) {
          // The key bias adds q.b_k to every score of a row, which softmax ignores: its gradient is zero but
          // for rounding, and Adam scales rounding noise into full steps of random sign on either side. The
          // query and value biases are compared.
          const c = config.n_embd;
          for (const part of [0, 2]) {
            const slice = (d: ArrayLike<number>) => Array.from(d).slice(part * c, (part + 1) * c);
            expectClose(
              slice(got),
              { ...want, shape: [c], data: slice(want.data) },
              `final ${key}[${part}]`,
              tol.weights,
            );
          }
          continue;
        }
        expectClose(got, want, `final ${key}`, tol.weights);
      }

      // The optimizer state_dict: torch's layout, ids and values.
      const theirs = loadCheckpoint(readFileSync(join(scratch.hostPath, 'optimizer.pth'))).value as PyDict;
      const mine = await optimizer.stateDict();
      // Key order aside (torch lists a group's own keys, here weight_decay, before the defaults; pickled
      // dicts load the same either way), the groups are equal.
      // JavaScript has one number type: nanoGPT's weight_decay 0.0 is written as the int 0 (torch's Adam
      // default is an int 0 too); values compare as numbers.
      const groups = (d: PyDict) =>
        (d.get('param_groups') as PyDict[]).map((g) =>
          [...g]
            .map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])
            .sort(([a], [b]) => String(a).localeCompare(String(b))),
        );
      expect(groups(mine)).toEqual(groups(theirs));
      const theirState = theirs.get('state') as PyDict;
      for (const [id, st] of mine.get('state') as PyDict) {
        const other = theirState.get(id) as PyDict;
        for (const key of ['exp_avg', 'exp_avg_sq']) {
          const a = storedToHost((st as PyDict).get(key) as StoredTensor);
          const b = storedToHost(other.get(key) as StoredTensor);
          expectClose(
            a,
            { shape: [b.length], dtype: 'float32', data: [...b] },
            `state ${String(id)} ${key}`,
            tol.state,
          );
        }
      }
      const fresh = new AdamW(decayGroups(model, HYPER.weight_decay), { lr: 1 });
      fresh.loadStateDict(theirs);
      expect(groups(await fresh.stateDict())).toEqual(groups(theirs));

      // Greedy samples from torch's trained weights, loaded into ours.
      const loaded = new Map<string, Tensor>();
      for (const [k, j] of Object.entries(torch.state_dict)) loaded.set(k, toTensor(j).detach());
      model.loadStateDict(loaded);
      const [greedy] = await generate(model, [PROMPT], NEW_TOKENS, { temperature: 0 });
      expect(greedy).toEqual(torch.greedy);

      // The same through `pthlab sample` from the ckpt.pt torch wrote (nanoGPT's layout, compiled keys).
      if (name.startsWith('CPU')) {
        const ckpt = join(scratch.hostPath, 'ckpt.pt');
        const args = [
          'sample',
          '--ckpt',
          ckpt,
          '--prompt-ids',
          PROMPT.join(','),
          '--tokens',
          String(NEW_TOKENS),
        ];
        const run = await pthlabOk([...args, '--temperature', '0']);
        expect(JSON.parse(run.stdout)).toEqual({ ids: torch.greedy });
      }
    });
  });
}

gptCase('CPU backend, bias=True', { ...TINY, bias: true }, () => Promise.resolve(cpu), {
  loss: { rtol: 1e-5, atol: 1e-6 },
  weights: { rtol: 1e-4, atol: 2e-5 },
  norm: { rtol: 1e-5, atol: 1e-6 },
  state: { rtol: 1e-4, atol: 1e-7 },
});
// SwiftShader sums in another order than the CPU twins: the same drift, a few times larger.
gptCase('WebGPU backend, bias=False', { ...TINY, bias: false }, () => createWebGpuBackend(), {
  loss: { rtol: 5e-5, atol: 1e-6 },
  weights: { rtol: 1e-4, atol: 1e-4 },
  norm: { rtol: 1e-3, atol: 1e-6 },
  state: { rtol: 1e-3, atol: 1e-5 },
});
