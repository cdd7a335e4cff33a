/**
 * Architecture specs and inputs for the shape-inference tests: the unit test runs each through pthlab's own
 * modules, the torch test through torch 2.6 (examples/pytorch/pthlab_arch.py). Fits and misfits of every
 * layer type buildModule knows; what each should give comes from those references at test time, not from here.
 */
import type { ModuleSpec } from '../../src/nn/index.ts';

export interface ShapeCase {
  readonly name: string;
  readonly spec: ModuleSpec;
  /** Input shape, batch included. */
  readonly input: readonly number[];
  readonly dtype?: 'float32' | 'int64';
}

const seq = (...layers: ModuleSpec[]): ModuleSpec => ({ type: 'Sequential', layers });
const linear = (i: number, o: number, extra: object = {}): ModuleSpec => ({
  type: 'Linear',
  in_features: i,
  out_features: o,
  ...extra,
});
const encoder = (d: number, h: number, extra: object = {}): ModuleSpec => ({
  type: 'TransformerEncoderLayer',
  d_model: d,
  nhead: h,
  dropout: 0,
  ...extra,
});
const attention = (d: number, h: number, extra: object = {}): ModuleSpec => ({
  type: 'MultiheadAttention',
  embed_dim: d,
  num_heads: h,
  ...extra,
});
const conv = (i: number, o: number, k: number | [number, number], extra: object = {}): ModuleSpec => ({
  type: 'Conv2d',
  in_channels: i,
  out_channels: o,
  kernel_size: k,
  ...extra,
});

/** Every one fits in torch and in pthlab. */
export const fits: readonly ShapeCase[] = [
  { name: 'mlp', spec: seq(linear(2, 16), { type: 'ReLU' }, linear(16, 3)), input: [1, 2] },
  {
    name: 'mlp with norms and activations',
    spec: seq(
      linear(6, 8, { bias: false }),
      { type: 'BatchNorm1d', num_features: 8, momentum: null },
      { type: 'LeakyReLU', negative_slope: 0.2 },
      { type: 'Dropout', p: 0.25 },
      { type: 'LayerNorm', normalized_shape: 8, eps: 0.001 },
      { type: 'GELU', approximate: 'tanh' },
      linear(8, 4),
      { type: 'Tanh' },
      { type: 'Sigmoid' },
      { type: 'Softmax', dim: 1 },
    ),
    input: [1, 6],
  },
  {
    name: 'mnist cnn',
    spec: seq(
      conv(1, 8, 3, { padding: 1 }),
      { type: 'ReLU' },
      { type: 'MaxPool2d', kernel_size: 2 },
      conv(8, 16, 3, { padding: 1 }),
      { type: 'BatchNorm2d', num_features: 16 },
      { type: 'ReLU' },
      { type: 'MaxPool2d', kernel_size: 2 },
      { type: 'Flatten' },
      linear(784, 10),
    ),
    input: [1, 1, 28, 28],
  },
  {
    name: 'conv stride, padding pair, dilation, rectangular kernel',
    spec: seq(
      conv(3, 4, [3, 5], { stride: 2, padding: [1, 0], dilation: [1, 2] }),
      conv(4, 2, 2, { stride: [1, 3], bias: false }),
    ),
    input: [2, 3, 17, 13],
  },
  {
    name: "conv 'same' and 'valid'",
    spec: seq(conv(2, 3, 3, { padding: 'same', dilation: 2 }), conv(3, 3, [1, 3], { padding: 'valid' })),
    input: [1, 2, 9, 7],
  },
  {
    name: 'conv kernel exactly as large as the padded input',
    spec: seq(conv(1, 2, 5, { padding: 1 })),
    input: [1, 1, 3, 3],
  },
  {
    name: 'pools: default stride, padding, dilation, pair kernel',
    spec: seq(
      { type: 'MaxPool2d', kernel_size: 3, padding: 1, dilation: 2 },
      { type: 'AvgPool2d', kernel_size: [2, 1], stride: 1, padding: [1, 0] },
      { type: 'MaxPool2d', kernel_size: [2, 3], stride: [2, 1] },
      { type: 'AvgPool2d', kernel_size: [2, 1], stride: null },
    ),
    input: [1, 2, 12, 11],
  },
  {
    name: 'pool down to exactly one',
    spec: seq({ type: 'MaxPool2d', kernel_size: 4 }, { type: 'AvgPool2d', kernel_size: 1 }),
    input: [1, 3, 4, 5],
  },
  {
    name: 'flatten variants, BatchNorm1d on 3-D, LayerNorm over two dims',
    spec: seq(
      conv(1, 4, 3),
      { type: 'Flatten', start_dim: 2 },
      { type: 'BatchNorm1d', num_features: 4 },
      { type: 'LayerNorm', normalized_shape: [4, 18] },
      { type: 'Flatten', start_dim: -2, end_dim: -1 },
      { type: 'Softmax', dim: -1 },
      { type: 'Flatten', start_dim: 0 },
    ),
    input: [1, 1, 5, 8],
  },
  {
    name: 'nested Sequential',
    spec: seq(seq(linear(4, 5), { type: 'ReLU' }), seq(), linear(5, 2)),
    input: [3, 4],
  },
  { name: 'empty Sequential', spec: seq(), input: [1, 7] },
  { name: 'one layer, not in a Sequential', spec: linear(3, 2), input: [4, 3] },
  {
    name: 'Linear over the last dim of a 4-D input',
    spec: seq(conv(1, 2, 3), linear(4, 5)),
    input: [1, 1, 6, 6],
  },
  {
    name: 'BatchNorm1d without affine or running stats takes any channel count',
    spec: seq({ type: 'BatchNorm1d', num_features: 3, affine: false, track_running_stats: false }),
    input: [2, 5],
  },
  {
    name: 'Embedding of int64 indices',
    spec: seq(
      { type: 'Embedding', num_embeddings: 10, embedding_dim: 6, padding_idx: -1 },
      { type: 'LayerNorm', normalized_shape: [6] },
      linear(6, 3),
    ),
    input: [2, 5],
    dtype: 'int64',
  },
  {
    name: 'TransformerEncoderLayer: (S, N, E), batch_first, pre-norm gelu, unbatched',
    spec: seq(
      encoder(8, 2, { dim_feedforward: 16 }),
      encoder(8, 4, { dim_feedforward: 8, batch_first: true, bias: false }),
      encoder(8, 1, { dim_feedforward: 4, norm_first: true, activation: 'gelu', layer_norm_eps: 1e-6 }),
      linear(8, 3),
    ),
    input: [5, 2, 8],
  },
  { name: 'TransformerEncoderLayer on unbatched (S, E)', spec: seq(encoder(6, 3)), input: [4, 6] },
  {
    name: 'MultiheadAttention as self-attention: (L, N, E), batch_first, no bias, unbatched',
    spec: seq(attention(8, 2), attention(8, 4, { batch_first: true, bias: false }), linear(8, 3)),
    input: [5, 2, 8],
  },
  {
    name: 'MultiheadAttention on unbatched (L, E)',
    spec: seq(attention(6, 3, { dropout: 0.1 })),
    input: [4, 6],
  },
];

/** Each has exactly one problem, at one layer. */
export const misfits: readonly ShapeCase[] = [
  { name: 'Linear in_features', spec: seq(linear(2, 32), linear(16, 10)), input: [1, 2] },
  {
    name: 'Linear after a conv without Flatten',
    spec: seq(conv(1, 8, 3, { padding: 1 }), linear(16, 10)),
    input: [1, 1, 14, 14],
  },
  { name: 'Conv2d on rows of features', spec: seq(linear(2, 4), conv(1, 4, 3)), input: [1, 2] },
  { name: 'Conv2d on 5-D input', spec: seq(conv(2, 2, 3)), input: [1, 2, 8, 8, 1] },
  {
    name: 'Conv2d in_channels',
    spec: seq(conv(1, 8, 3, { padding: 1 }), conv(1, 4, 3)),
    input: [1, 1, 14, 14],
  },
  { name: 'Conv2d kernel larger than input', spec: seq(conv(1, 4, 5)), input: [1, 1, 3, 3] },
  {
    name: 'Conv2d dilated kernel too large',
    spec: seq(conv(1, 4, 3, { stride: 2, dilation: 2 })),
    input: [1, 1, 4, 4],
  },
  { name: 'Conv2d stride 0', spec: seq(conv(1, 2, 3, { stride: 0 })), input: [1, 1, 8, 8] },
  { name: 'Conv2d negative padding', spec: seq(conv(1, 2, 3, { padding: -1 })), input: [1, 1, 8, 8] },
  { name: 'Conv2d dilation 0', spec: seq(conv(1, 2, 3, { dilation: 0 })), input: [1, 1, 8, 8] },
  { name: 'Conv2d padding string', spec: seq(conv(1, 2, 3, { padding: 'full' })), input: [1, 1, 8, 8] },
  {
    name: "Conv2d 'same' strided",
    spec: seq(conv(1, 2, 3, { padding: 'same', stride: 2 })),
    input: [1, 1, 8, 8],
  },
  { name: 'Conv2d kernel 0', spec: seq(conv(1, 2, 0)), input: [1, 1, 8, 8] },
  { name: 'Conv2d out_channels -1', spec: seq(conv(1, -1, 3)), input: [1, 1, 8, 8] },
  {
    name: 'MaxPool2d output too small',
    spec: seq({ type: 'MaxPool2d', kernel_size: 4 }),
    input: [1, 8, 3, 3],
  },
  {
    name: 'AvgPool2d output negative',
    spec: seq({ type: 'AvgPool2d', kernel_size: 9, stride: 1 }),
    input: [1, 8, 1, 1],
  },
  { name: 'MaxPool2d on rows', spec: seq({ type: 'MaxPool2d', kernel_size: 2 }), input: [1, 2] },
  { name: 'AvgPool2d on rows', spec: seq({ type: 'AvgPool2d', kernel_size: 2 }), input: [1, 2] },
  {
    name: 'AvgPool2d on 5-D input',
    spec: seq({ type: 'AvgPool2d', kernel_size: 2 }),
    input: [1, 1, 8, 8, 1],
  },
  {
    name: 'MaxPool2d padding over half the kernel',
    spec: seq({ type: 'MaxPool2d', kernel_size: [4, 2], padding: [1, 3] }),
    input: [1, 1, 8, 8],
  },
  {
    name: 'MaxPool2d padding over half the undilated kernel',
    spec: seq({ type: 'MaxPool2d', kernel_size: 2, padding: 2, dilation: 3 }),
    input: [1, 1, 8, 8],
  },
  {
    name: 'AvgPool2d padding over half the kernel',
    spec: seq({ type: 'AvgPool2d', kernel_size: 3, padding: 2 }),
    input: [1, 2, 4, 4],
  },
  {
    name: 'MaxPool2d stride 0',
    spec: seq({ type: 'MaxPool2d', kernel_size: 2, stride: 0 }),
    input: [1, 1, 8, 8],
  },
  {
    name: 'AvgPool2d negative padding',
    spec: seq({ type: 'AvgPool2d', kernel_size: 2, padding: -1 }),
    input: [1, 1, 8, 8],
  },
  {
    name: 'BatchNorm1d num_features',
    spec: seq(linear(2, 8), { type: 'BatchNorm1d', num_features: 4 }),
    input: [1, 2],
  },
  {
    name: 'BatchNorm1d without running stats, num_features',
    spec: seq({ type: 'BatchNorm1d', num_features: 4, track_running_stats: false }),
    input: [2, 8],
  },
  { name: 'BatchNorm1d on images', spec: seq({ type: 'BatchNorm1d', num_features: 1 }), input: [1, 1, 4, 4] },
  { name: 'BatchNorm2d on rows', spec: seq({ type: 'BatchNorm2d', num_features: 2 }), input: [1, 2] },
  {
    name: 'BatchNorm2d num_features',
    spec: seq(conv(1, 3, 3), { type: 'BatchNorm2d', num_features: 4 }),
    input: [1, 1, 5, 5],
  },
  { name: 'LayerNorm size', spec: seq({ type: 'LayerNorm', normalized_shape: 4 }), input: [1, 8] },
  {
    name: 'LayerNorm dims order',
    spec: seq({ type: 'LayerNorm', normalized_shape: [2, 3] }),
    input: [1, 3, 2],
  },
  { name: 'LayerNorm empty shape', spec: seq({ type: 'LayerNorm', normalized_shape: [] }), input: [1, 3] },
  { name: 'Flatten dim out of range', spec: seq({ type: 'Flatten', start_dim: 2 }), input: [1, 8] },
  {
    name: 'Flatten end_dim out of range',
    spec: seq({ type: 'Flatten', start_dim: 1, end_dim: 5 }),
    input: [1, 8],
  },
  {
    name: 'Flatten start after end',
    spec: seq({ type: 'Flatten', start_dim: 2, end_dim: 1 }),
    input: [1, 8, 3],
  },
  { name: 'Softmax dim out of range', spec: seq({ type: 'Softmax', dim: 2 }), input: [1, 8] },
  { name: 'Dropout p above 1', spec: seq(linear(2, 3), { type: 'Dropout', p: 1.5 }), input: [1, 2] },
  { name: 'unexpected keyword', spec: seq(linear(2, 3, { activation: 'relu' })), input: [1, 2] },
  { name: 'unknown type', spec: seq(linear(2, 3), { type: 'Transformer' }), input: [1, 2] },
  { name: 'GELU approximate', spec: seq({ type: 'GELU', approximate: 'sigmoid' }), input: [1, 2] },
  { name: 'Linear out_features 2.5', spec: seq(linear(2, 2.5)), input: [1, 2] },
  {
    name: 'Embedding of floating-point rows',
    spec: seq({ type: 'Embedding', num_embeddings: 10, embedding_dim: 3 }),
    input: [1, 4],
  },
  {
    name: 'Embedding padding_idx',
    spec: seq({ type: 'Embedding', num_embeddings: 4, embedding_dim: 3, padding_idx: 4 }),
    input: [1, 4],
    dtype: 'int64',
  },
  { name: 'TransformerEncoderLayer d_model', spec: seq(encoder(8, 2)), input: [3, 2, 6] },
  {
    name: 'TransformerEncoderLayer d_model, pre-norm',
    spec: seq(encoder(8, 2, { norm_first: true })),
    input: [3, 2, 6],
  },
  { name: 'TransformerEncoderLayer on 4-D input', spec: seq(encoder(4, 2)), input: [1, 3, 2, 4] },
  { name: 'TransformerEncoderLayer nhead', spec: seq(encoder(6, 4)), input: [3, 2, 6] },
  {
    name: 'TransformerEncoderLayer activation',
    spec: seq(encoder(4, 2, { activation: 'tanh' })),
    input: [3, 2, 4],
  },
  { name: 'MultiheadAttention embed_dim', spec: seq(attention(8, 2)), input: [3, 2, 6] },
  { name: 'MultiheadAttention num_heads', spec: seq(attention(6, 4)), input: [3, 2, 6] },
  { name: 'MultiheadAttention on 4-D input', spec: seq(attention(4, 2)), input: [1, 3, 2, 4] },
  {
    name: 'inside a nested Sequential',
    spec: seq(linear(2, 4), seq({ type: 'ReLU' }, linear(5, 3))),
    input: [1, 2],
  },
];

/** pthlab refuses what torch accepts: each must say so (`unsupported`). */
export const limits: readonly ShapeCase[] = [
  { name: 'Linear out_features 0', spec: seq(linear(2, 0)), input: [1, 2] },
  { name: 'Conv2d groups', spec: seq(conv(2, 2, 3, { groups: 2 })), input: [1, 2, 8, 8] },
  { name: 'Conv2d padding_mode', spec: seq(conv(1, 2, 3, { padding_mode: 'reflect' })), input: [1, 1, 8, 8] },
  {
    name: "Conv2d 'same' with an even kernel",
    spec: seq(conv(1, 2, 2, { padding: 'same' })),
    input: [1, 1, 8, 8],
  },
  { name: 'Conv2d on unbatched 3-D input', spec: seq(conv(1, 4, 3)), input: [1, 5, 5] },
  {
    name: 'MaxPool2d on unbatched 3-D input',
    spec: seq({ type: 'MaxPool2d', kernel_size: 2 }),
    input: [1, 4, 4],
  },
  {
    name: 'MaxPool2d ceil_mode',
    spec: seq({ type: 'MaxPool2d', kernel_size: 2, ceil_mode: true }),
    input: [1, 1, 5, 5],
  },
  {
    name: 'AvgPool2d count_include_pad',
    spec: seq({ type: 'AvgPool2d', kernel_size: 2, count_include_pad: false }),
    input: [1, 1, 4, 4],
  },
  { name: 'Softmax without dim', spec: seq({ type: 'Softmax' }), input: [1, 3] },
];
