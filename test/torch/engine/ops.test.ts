/**
 * Every primitive and composite against torch 2.6: forward output and the gradients of sum(out * upstream)
 * for the same inputs (made by test/torch/py/engine/ops.py from a fixed seed).
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

type Fn = (...xs: Tensor[]) => Tensor;
const ours: Record<string, Fn> = {
  neg: (x) => x.neg(),
  exp: (x) => x.exp(),
  log: (x) => x.log(),
  sqrt: (x) => x.sqrt(),
  relu: (x) => x.relu(),
  tanh: (x) => x.tanh(),
  sigmoid: (x) => x.sigmoid(),
  erf: (x) => x.erf(),
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  div: (a, b) => a.div(b),
  sum: (x) => x.sum(1),
  sum_all: (x) => x.sum(),
  sum_keepdim: (x) => x.sum([0, 2], true),
  amax: (x) => x.amax(-1),
  mean: (x) => x.mean(0),
  var: (x) => x.var(1),
  reshape: (x) => x.reshape(4, 6),
  permute: (x) => x.permute(2, 0, 1),
  transpose: (x) => x.transpose(0, 1),
  expand: (x) => x.expand(2, 3, 4),
  matmul: (a, b) => a.matmul(b),
  matmul_3d_2d: (a, b) => a.matmul(b),
  bmm: (a, b) => a.matmul(b),
  linear: (x, w, b) => F.linear(x, w, b),
  conv2d: (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1 }),
  conv2d_dilated: (x, w) => F.conv2d(x, w, null, { dilation: 2 }),
  max_pool2d: (x) => F.maxPool2d(x, 2),
  max_pool2d_pad: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }),
  avg_pool2d: (x) => F.avgPool2d(x, 2),
  avg_pool2d_pad: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }),
  embedding: (i, w) => F.embedding(i, w),
  embedding_padding: (i, w) => F.embedding(i, w, 0),
  softmax: (x) => F.softmax(x, 1),
  log_softmax: (x) => F.logSoftmax(x, -1),
  cross_entropy: (x, t) => F.crossEntropy(x, t),
  cross_entropy_ignore: (x, t) => F.crossEntropy(x, t, { ignoreIndex: 1 }),
  cross_entropy_probs: (x, t) => F.crossEntropy(x, t),
  mse_loss: (x, t) => F.mseLoss(x, t),
  layer_norm: (x, w, b) => F.layerNorm(x, [4], w, b),
  gelu: (x) => F.gelu(x),
  gelu_tanh: (x) => F.gelu(x, 'tanh'),
  leaky_relu: (x) => F.leakyRelu(x, 0.1),
  batch_norm_train: (x, w, b) => F.batchNorm(x, null, null, w, b, true, 0.1, 1e-5),
  batch_norm_1d_train: (x) => F.batchNorm(x, null, null, null, null, true, 0.1, 1e-5),
  matmul_t_view: (a, b) => a.matmul(b.t()),
  bmm_transposed_view: (a, b) => a.matmul(b.transpose(-2, -1)),
  bmm_broadcast_transposed_view: (a, b) => a.matmul(b.transpose(1, 2)),
  heads_view_of_view: (q, k) => q.transpose(1, 2).matmul(k.transpose(1, 2).transpose(-2, -1)),
  permute_twice_then_add: (x, y) => x.permute(2, 0, 1).permute(0, 2, 1).add(y),
};

// erf is Abramowitz-Stegun 7.1.26 in the kernels (|error| < 1.5e-7), so erf-based ops get a looser atol.
const tolerance: Record<string, { rtol?: number; atol?: number }> = {
  erf: { atol: 3e-7 },
  gelu: { atol: 1e-6 },
};

describe('ops vs torch 2.6', () => {
  let cases: Record<string, Case>;
  beforeAll(async () => {
    cases = await torchJson<Record<string, Case>>('2.6', 'ops.py');
  });

  it('covers every case the script defines, and nothing else', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(ours).sort());
  });

  for (const name of Object.keys(ours)) {
    it(name, () => {
      const c = cases[name];
      if (c === undefined) throw new Error(`ops.py has no case ${name}`);
      const inputs = c.inputs.map((j) => toTensor(j, true));
      const y = (ours[name] as Fn)(...inputs);
      const tol = { rtol: 1e-5, atol: 1e-6, ...tolerance[name] };
      expectClose(y, c.out, `${name} forward`, tol);
      y.mul(toTensor(c.upstream)).sum().backward();
      c.grads.forEach((g, i) => {
        if (g === null) return;
        const grad = inputs[i]!.grad;
        if (grad === null) throw new Error(`${name}: no gradient for input ${i}`);
        expectClose(grad, g, `${name} grad ${i}`, { ...tol, atol: (tol.atol ?? 1e-6) * 4 });
      });
    });
  }
});
