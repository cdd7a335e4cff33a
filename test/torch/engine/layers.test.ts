/**
 * nn layers built from architecture specs against torch 2.6 (test/torch/py/engine/layers.py builds the
 * same spec with torch.nn): identical state_dict keys, dtypes, shapes and _metadata; then, with torch's
 * initial weights loaded, the same training forward, input and parameter gradients, running stats after
 * the step, and eval forward.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ModuleSpec, buildModule } from '../../../src/nn/index.ts';
import type { Tensor } from '../../../src/tensor/index.ts';
import { type JsonTensor, expectClose, toTensor, torchJson } from './torch-json.ts';

interface Case {
  name: string;
  spec: ModuleSpec;
  input: { shape: number[]; kind?: 'int'; high?: number };
}

const cases: Case[] = [
  {
    name: 'mlp',
    spec: { type: 'Sequential', layers: [
      { type: 'Linear', in_features: 4, out_features: 8 }, { type: 'ReLU' },
      { type: 'Linear', in_features: 8, out_features: 3 },
    ] },
    input: { shape: [5, 4] },
  },
  {
    name: 'batchnorm1d-mlp',
    spec: { type: 'Sequential', layers: [
      { type: 'Linear', in_features: 6, out_features: 5 }, { type: 'BatchNorm1d', num_features: 5 },
      { type: 'LeakyReLU', negative_slope: 0.2 }, { type: 'Linear', in_features: 5, out_features: 2, bias: false },
      { type: 'Tanh' }, { type: 'Sigmoid' },
    ] },
    input: { shape: [7, 6] },
  },
  {
    name: 'cnn',
    spec: { type: 'Sequential', layers: [
      { type: 'Conv2d', in_channels: 3, out_channels: 4, kernel_size: 3, padding: 1 },
      { type: 'BatchNorm2d', num_features: 4, momentum: null }, { type: 'ReLU' }, { type: 'MaxPool2d', kernel_size: 2 },
      { type: 'Conv2d', in_channels: 4, out_channels: 2, kernel_size: [2, 3], stride: 2, padding: [1, 0] },
      { type: 'AvgPool2d', kernel_size: [2, 1], stride: 1 }, { type: 'Flatten' },
      { type: 'Linear', in_features: 4, out_features: 3 }, { type: 'Softmax', dim: 1 },
    ] },
    input: { shape: [2, 3, 8, 8] },
  },
  {
    name: 'embedding-layernorm',
    spec: { type: 'Sequential', layers: [
      { type: 'Embedding', num_embeddings: 10, embedding_dim: 6, padding_idx: 0 }, { type: 'LayerNorm', normalized_shape: 6 },
      { type: 'GELU' }, { type: 'Linear', in_features: 6, out_features: 4 }, { type: 'Dropout', p: 0.0 },
    ] },
    input: { shape: [3, 5], kind: 'int', high: 10 },
  },
  {
    name: 'layernorm-2d-gelu-tanh',
    spec: { type: 'Sequential', layers: [
      { type: 'LayerNorm', normalized_shape: [3, 4], eps: 1e-3 }, { type: 'GELU', approximate: 'tanh' },
      { type: 'Flatten', start_dim: 0 },
    ] },
    input: { shape: [2, 3, 4] },
  },
]; // prettier-ignore

interface Result {
  state_dict: Record<string, JsonTensor>;
  metadata: Record<string, number>;
  input: JsonTensor;
  out: JsonTensor;
  upstream: JsonTensor;
  input_grad: JsonTensor | null;
  param_grads: Record<string, JsonTensor>;
  state_after: Record<string, JsonTensor>;
  eval_out: JsonTensor;
}

const tol = { rtol: 1e-4, atol: 1e-5 };

describe('layers vs torch 2.6', () => {
  let results: Result[];
  beforeAll(async () => {
    results = await torchJson<Result[]>('2.6', 'layers.py', [
      JSON.stringify(cases.map(({ spec, input }) => ({ spec, input }))),
    ]);
  });

  cases.forEach((c, i) => {
    it(c.name, () => {
      const r = results[i]!;
      const model = buildModule(c.spec);
      const sd = model.stateDict();
      expect([...sd.keys()]).toEqual(Object.keys(r.state_dict));
      for (const [k, t] of sd) {
        expect([t.shape, t.dtype], k).toEqual([r.state_dict[k]!.shape, r.state_dict[k]!.dtype]);
      }
      expect(Object.fromEntries([...model.stateDictMetadata()].map(([k, v]) => [k, v.version]))).toEqual(
        r.metadata,
      );

      model.loadStateDict(new Map(Object.entries(r.state_dict).map(([k, j]) => [k, toTensor(j)])));
      model.train();
      const x = toTensor(r.input, true);
      const y = model.forward(x);
      expectClose(y, r.out, 'train forward', tol);
      y.mul(toTensor(r.upstream)).sum().backward();
      if (r.input_grad !== null) expectClose(x.grad as Tensor, r.input_grad, 'input grad', tol);
      const params = new Map(model.namedParameters());
      expect([...params.keys()]).toEqual(Object.keys(r.param_grads));
      for (const [name, g] of Object.entries(r.param_grads))
        expectClose(params.get(name)!.grad as Tensor, g, `grad ${name}`, tol);
      for (const [k, t] of model.stateDict()) expectClose(t, r.state_after[k]!, `state after: ${k}`, tol);

      model.eval();
      expectClose(model.forward(toTensor(r.input)), r.eval_out, 'eval forward', tol);
    });
  });
});
