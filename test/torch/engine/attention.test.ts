/**
 * The fused causal attention op (F.scaledDotProductAttention with isCausal, one kernel forward and two
 * backward) against torch 2.6's F.scaled_dot_product_attention(q, k, v, is_causal=True): forward output and
 * the gradients of sum(out * upstream) (test/torch/py/engine/attention.py), on the CPU backend, whose kernel
 * is the WGSL kernels' twin (test/gpu/attention.test.ts holds the two equal).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { F, type Tensor } from '../../../src/tensor/index.ts';
import { type JsonTensor, expectClose, toTensor, torchJson } from './torch-json.ts';

interface Case {
  inputs: JsonTensor[];
  upstream: JsonTensor;
  out: JsonTensor;
  grads: JsonTensor[];
}

const NAMES = ['gpt_heads', 't_one', 't_past_workgroup', 'two_chunks'];

describe('fused causal attention vs torch 2.6 scaled_dot_product_attention(is_causal=True)', () => {
  let cases: Record<string, Case>;
  beforeAll(async () => {
    cases = await torchJson<Record<string, Case>>('2.6', 'attention.py');
  });

  it('covers every case the script defines, and nothing else', () => {
    expect(Object.keys(cases).sort()).toEqual([...NAMES].sort());
  });

  for (const name of NAMES) {
    it(name, () => {
      const c = cases[name];
      if (c === undefined) throw new Error(`attention.py has no case ${name}`);
      const [q, k, v] = c.inputs.map((j) => toTensor(j, true)) as [Tensor, Tensor, Tensor];
      const y = F.scaledDotProductAttention(q, k, v, { isCausal: true });
      expect(y.node?.op.name, 'the fused op ran').toBe('attention');
      expectClose(y, c.out, `${name} forward`, { rtol: 1e-5, atol: 2e-6 });
      y.mul(toTensor(c.upstream)).sum().backward();
      [q, k, v].forEach((x, i) => {
        if (x.grad === null) throw new Error(`${name}: no gradient for ${'qkv'[i]}`);
        expectClose(x.grad, c.grads[i]!, `${name} grad ${'qkv'[i]}`, { rtol: 1e-4, atol: 1e-5 });
      });
    });
  }
});
