/**
 * The primitives attention needs, against torch 2.6: pad and narrow, cat and split, where and masked_fill,
 * matmul over any number of broadcast leading dims, and causal attention composed of them. Forward output
 * and the gradients of sum(out * upstream) (test/torch/py/engine/attention_ops.py), on the CPU backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { F, type Tensor } from '../../../src/tensor/index.ts';
import { type JsonTensor, expectClose, toTensor, torchJson } from './torch-json.ts';

interface Case {
  inputs: JsonTensor[];
  upstream: JsonTensor;
  out: JsonTensor;
  grads: (JsonTensor | null)[];
}

/** nanoGPT's manual attention: (B, nh, T, hs) -> (B, nh, T, hs). */
function attention(q: Tensor, k: Tensor, v: Tensor, tril: Tensor): Tensor {
  const scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(k.size(-1))); // (B, nh, T, T)
  return F.softmax(scores.maskedFill(tril.eq(0), -Infinity), -1).matmul(v); // (B, nh, T, hs)
}

type Fn = (...xs: Tensor[]) => Tensor;
const attentionOps: Record<string, Fn> = {
  narrow: (x) => x.narrow(1, 1, 2),
  narrow_last: (x) => x.narrow(-1, 2, 3),
  pad: (x) => F.pad(x, [1, 2, 0, 1]),
  pad_crop: (x) => F.pad(x, [-1, 1, 2, -1]),
  cat: (a, b, c) => F.cat([a, b, c], 1),
  cat_last: (a, b) => F.cat([a, b], -1),
  split: (x) =>
    F.cat(
      x.split(2, 1).map((p, i) => p.mul(i + 1)),
      1,
    ),
  split_sizes: (x) => (x.split([1, 3], 2)[1] as Tensor).mul(2),
  where: (c, a, b) => F.where(c.gt(0.5), a, b),
  masked_fill: (x, m) => x.maskedFill(m.gt(0.5), -3),
  causal_softmax: (x, tril) => F.softmax(x.maskedFill(tril.eq(0), -Infinity), -1),
  matmul_4d: (a, b) => a.matmul(b),
  matmul_broadcast: (a, b) => a.matmul(b),
  matmul_shared_a: (a, b) => a.matmul(b),
  matmul_shared_b: (a, b) => a.matmul(b),
  attention,
};

describe('attention primitives vs torch 2.6', () => {
  let cases: Record<string, Case>;
  beforeAll(async () => {
    cases = await torchJson<Record<string, Case>>('2.6', 'attention_ops.py');
  });

  it('covers every case the script defines, and nothing else', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(attentionOps).sort());
  });

  for (const name of Object.keys(attentionOps)) {
    it(name, () => {
      const c = cases[name];
      if (c === undefined) throw new Error(`attention_ops.py has no case ${name}`);
      const inputs = c.inputs.map((j) => toTensor(j, true));
      const y = (attentionOps[name] as Fn)(...inputs);
      expectClose(y, c.out, `${name} forward`, { rtol: 1e-5, atol: 1e-6 });
      y.mul(toTensor(c.upstream)).sum().backward();
      c.grads.forEach((g, i) => {
        if (g === null) return;
        const grad = inputs[i]!.grad;
        if (grad === null) throw new Error(`${name}: no gradient for input ${i}`);
        expectClose(grad, g, `${name} grad ${i}`, { rtol: 1e-5, atol: 4e-6 });
      });
    });
  }
});
