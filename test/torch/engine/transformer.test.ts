/**
 * torch.nn.MultiheadAttention and TransformerEncoderLayer against torch 2.6 (py/engine/transformer.py):
 * torch's state_dict loads strictly (same keys and shapes), and the output and the gradients of
 * sum(out * upstream) for the inputs and every parameter agree: self- and cross-attention, batch_first,
 * unbatched input, a causal float mask, post-norm and pre-norm layers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Module, MultiheadAttention, TransformerEncoderLayer } from '../../../src/nn/index.ts';
import { type Tensor, zeros } from '../../../src/tensor/index.ts';
import { type JsonTensor, expectClose, toTensor, torchJson } from './torch-json.ts';

interface Case {
  state_dict: Record<string, JsonTensor>;
  inputs: JsonTensor[];
  mask: JsonTensor | null;
  upstream: JsonTensor;
  out: JsonTensor;
  input_grads: JsonTensor[];
  param_grads: Record<string, JsonTensor>;
}

type Run = (m: Module, xs: Tensor[], mask: Tensor | undefined) => Tensor;
const layer = { dimFeedforward: 12, dropout: 0 };
const CASES: Record<string, [() => Module, Run]> = {
  mha_self: [() => new MultiheadAttention(8, 2), (m, [x]) => m.forward(x!)],
  mha_cross_batch_first: [
    () => new MultiheadAttention(8, 2, { batchFirst: true }),
    (m, [q, kv]) => m.forward(q!, kv!, kv!),
  ],
  mha_causal: [() => new MultiheadAttention(8, 2), (m, [x], mask) => m.forward(x!, x!, x!, mask!)],
  mha_unbatched: [() => new MultiheadAttention(8, 2), (m, [x]) => m.forward(x!)],
  encoder_post_norm: [() => new TransformerEncoderLayer(8, 2, layer), (m, [x]) => m.forward(x!)],
  encoder_pre_norm_batch_first_causal: [
    () =>
      new TransformerEncoderLayer(8, 2, { ...layer, normFirst: true, batchFirst: true, activation: 'gelu' }),
    (m, [x], mask) => m.forward(x!, mask!),
  ],
};

const TOL = { rtol: 1e-5, atol: 2e-6 };

describe('MultiheadAttention and TransformerEncoderLayer vs torch 2.6', () => {
  let cases: Record<string, Case>;
  beforeAll(async () => {
    cases = await torchJson<Record<string, Case>>('2.6', 'transformer.py');
  });

  it('covers every case the script defines', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const [name, [make, run]] of Object.entries(CASES)) {
    it(name, () => {
      const c = cases[name]!;
      const m = make();
      m.loadStateDict(new Map(Object.entries(c.state_dict).map(([k, j]) => [k, toTensor(j)]))); // strict
      const xs = c.inputs.map((j) => toTensor(j, true));
      const mask = c.mask === null ? undefined : zeros(c.mask.shape).maskedFill(toTensor(c.mask), -Infinity);
      const y = run(m, xs, mask);
      expectClose(y, c.out, `${name} forward`, TOL);
      y.mul(toTensor(c.upstream)).sum().backward();
      xs.forEach((x, i) => expectClose(x.grad!, c.input_grads[i]!, `${name} input grad ${i}`, TOL));
      for (const [key, p] of m.namedParameters()) {
        const want = c.param_grads[key];
        if (want === undefined) throw new Error(`${name}: torch has no gradient for ${key}`);
        expectClose(p.grad!, want, `${name} grad ${key}`, TOL);
      }
    });
  }
});
