/**
 * examples/pytorch/pthlab_arch.py against pthlab's buildModule: the same spec gives torch and pthlab modules
 * with the same state_dict keys and shapes, and to_spec writes back exactly the spec it was built from.
 */
import { afterAll, expect, it } from 'vitest';
import { type ModuleSpec, buildModule } from '../../../src/nn/index.ts';
import { cnnSgd, mlpAdam } from './cases.ts';
import { torchTrain, trainScratch } from './helpers.ts';

const specs: ModuleSpec[] = [
  mlpAdam.arch,
  cnnSgd.arch,
  {
    type: 'Sequential',
    layers: [
      { type: 'Conv2d', in_channels: 3, out_channels: 6, kernel_size: [3, 5], stride: 2, bias: false },
      { type: 'BatchNorm2d', num_features: 6, eps: 0.001, momentum: null },
      { type: 'LeakyReLU', negative_slope: 0.2 },
      { type: 'AvgPool2d', kernel_size: 2, stride: 1 },
      { type: 'Dropout', p: 0.25 },
      { type: 'Flatten' },
      { type: 'Linear', in_features: 30, out_features: 8 },
      { type: 'LayerNorm', normalized_shape: [8] },
      { type: 'GELU', approximate: 'tanh' },
      { type: 'BatchNorm1d', num_features: 8, affine: false },
      { type: 'Softmax', dim: 1 },
    ],
  },
  { type: 'Embedding', num_embeddings: 10, embedding_dim: 4, padding_idx: 0 },
  {
    type: 'Sequential',
    layers: [
      { type: 'MultiheadAttention', embed_dim: 8, num_heads: 2 },
      {
        type: 'MultiheadAttention',
        embed_dim: 8,
        num_heads: 4,
        dropout: 0.1,
        bias: false,
        batch_first: true,
      },
      { type: 'TransformerEncoderLayer', d_model: 8, nhead: 2 },
      {
        type: 'TransformerEncoderLayer',
        d_model: 8,
        nhead: 4,
        dim_feedforward: 16,
        dropout: 0,
        activation: 'gelu',
        layer_norm_eps: 1e-6,
        batch_first: true,
        norm_first: true,
        bias: false,
      },
    ],
  },
];

const dir = trainScratch();
afterAll(() => dir.cleanup());

it('pthlab_arch.py builds what pthlab builds, and writes the spec back', async () => {
  const out = await torchTrain<{
    roundtrip: ModuleSpec[];
    keys: [string, number[]][][];
    demo: ModuleSpec;
    unsupported: string;
  }>('arch_roundtrip.py', { arch_module_dir: dir.archDir, specs });
  expect(out.roundtrip).toEqual(specs);
  specs.forEach((spec, i) => {
    const ours = [...buildModule(spec).stateDict()].map(([k, t]) => [k, [...t.shape]]);
    expect(ours, JSON.stringify(spec)).toEqual(out.keys[i]);
  });
  expect(out.demo).toEqual(cnnSgd.arch);
  expect(out.unsupported).toBe("pthlab does not support the module type 'Transformer'");
});
