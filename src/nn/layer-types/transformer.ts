/**
 * Attention layers, both (S, N, E), (N, S, E) with batch_first, or unbatched (S, E), to the same shape:
 * - torch.nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu',
 *   layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True); activation is a string here (torch
 *   also takes a callable);
 * - torch.nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False) as
 *   self-attention: in a Sequential it takes one input as query, key and value and gives the output alone
 *   (torch's returns (output, weights) and takes three inputs, so pthlab_arch.py builds it as its subclass
 *   SelfAttention, with the same state_dict keys). kdim, vdim, add_bias_kv and add_zero_attn are refused.
 */
import { MultiheadAttention } from '../layers/attention.ts';
import { TransformerEncoderLayer } from '../layers/transformer.ts';
import { list, pthlabRefusal as pthlab, torchRefusal as torch } from '../spec-keywords.ts';
import { defineLayer } from './entry.ts';
import { bool, custom, num, size } from './keyword.ts';

export const transformerEncoderLayer = defineLayer({
  type: 'TransformerEncoderLayer',
  keywords: {
    d_model: size(),
    nhead: size({ field: 'int' }),
    dim_feedforward: custom(2048, (a, n) => a.size(n, 2048), { field: 'int' }),
    dropout: num(0.1, { field: 'number' }),
    activation: custom('relu', (a, n): 'relu' | 'gelu' => {
      const v = a.raw(n) ?? 'relu';
      if (typeof v !== 'string')
        throw pthlab(
          `TransformerEncoderLayer: activation must be 'relu' or 'gelu', got ${JSON.stringify(v)}`,
        );
      // torch's _get_activation_fn, for a string.
      if (v !== 'relu' && v !== 'gelu') throw torch(`activation should be relu/gelu, not ${v}`);
      return v;
    }),
    layer_norm_eps: num(1e-5),
    batch_first: bool(false),
    norm_first: bool(false),
    bias: bool(true),
  },
  check: (a) => {
    // MultiheadAttention's assert, then nn.Dropout's check, in the order torch's constructor meets them.
    if (a.d_model % a.nhead !== 0) throw torch('embed_dim must be divisible by num_heads');
    if (a.dropout < 0 || a.dropout > 1)
      throw torch(`dropout probability has to be between 0 and 1, but got ${a.dropout}`);
  },
  state: (a) => {
    const d = a.d_model;
    const ff = a.dim_feedforward;
    const params: Record<string, number[]> = { 'self_attn.in_proj_weight': [3 * d, d] };
    if (a.bias) params['self_attn.in_proj_bias'] = [3 * d];
    const linear = (name: string, inF: number, outF: number): void => {
      params[`${name}.weight`] = [outF, inF];
      if (a.bias) params[`${name}.bias`] = [outF];
    };
    linear('self_attn.out_proj', d, d);
    linear('linear1', d, ff);
    linear('linear2', ff, d);
    for (const norm of ['norm1', 'norm2']) {
      params[`${norm}.weight`] = [d];
      if (a.bias) params[`${norm}.bias`] = [d];
    }
    return { params };
  },
  output: (a, input) => {
    const d = a.d_model;
    const e = input.at(-1);
    // norm_first: norm1 (a LayerNorm over the last dim) meets the input before attention does.
    if (a.norm_first && (input.length === 0 || e !== d))
      throw torch(
        `Given normalized_shape=${list([d])}, expected input with shape [*, ${d}], but got input of size${list(input)}`,
        `d_model is ${d}, but its input has ${e ?? 0} features`,
      );
    return attentionOutput('TransformerEncoderLayer', 'd_model', d, input);
  },
  build: (a, opts) =>
    new TransformerEncoderLayer(a.d_model, a.nhead, {
      ...opts,
      dimFeedforward: a.dim_feedforward,
      dropout: a.dropout,
      activation: a.activation,
      layerNormEps: a.layer_norm_eps,
      batchFirst: a.batch_first,
      normFirst: a.norm_first,
      bias: a.bias,
    }),
  editor: {
    example: { d_model: 16, nhead: 2, dim_feedforward: 32, dropout: 0, batch_first: true },
    fromInput: {
      key: 'd_model',
      derive: (spec, shape) =>
        shape.length === 2 || shape.length === 3 ? { ...spec, d_model: shape.at(-1) } : spec,
    },
  },
});

/** F.multi_head_attention_forward's shape checks (the slow path; torch's fast path is eval batch_first 3-D). */
function attentionOutput(type: string, key: string, d: number, input: readonly number[]): number[] {
  const e = input.at(-1);
  if (input.length !== 2 && input.length !== 3)
    throw torch(
      `query should be unbatched 2D or batched 3D tensor but received ${input.length}-D query tensor`,
      `${type} takes (S, N, E), (N, S, E) with batch_first, or unbatched (S, E)`,
    );
  if (e !== d)
    throw torch(
      `was expecting embedding dimension of ${d}, but got ${e}`,
      `${key} is ${d}, but its input has ${e} features`,
    );
  return [...input];
}

export const multiheadAttention = defineLayer({
  type: 'MultiheadAttention',
  keywords: {
    embed_dim: size(),
    num_heads: size({ field: 'int' }),
    dropout: num(0, { field: 'number' }),
    bias: bool(true),
    batch_first: bool(false),
  },
  check: (a) => {
    if (a.embed_dim % a.num_heads !== 0) throw torch('embed_dim must be divisible by num_heads');
    // torch meets a bad dropout only in F.dropout, at the first training forward; pthlab says so at once.
    if (a.dropout < 0 || a.dropout > 1)
      throw torch(`dropout probability has to be between 0 and 1, but got ${a.dropout}`);
  },
  state: (a) => {
    const d = a.embed_dim;
    const params: Record<string, number[]> = { in_proj_weight: [3 * d, d] };
    if (a.bias) params['in_proj_bias'] = [3 * d];
    params['out_proj.weight'] = [d, d];
    if (a.bias) params['out_proj.bias'] = [d];
    return { params };
  },
  output: (a, input) => attentionOutput('MultiheadAttention', 'embed_dim', a.embed_dim, input),
  build: (a, opts) =>
    new MultiheadAttention(a.embed_dim, a.num_heads, {
      ...opts,
      dropout: a.dropout,
      bias: a.bias,
      batchFirst: a.batch_first,
    }),
  editor: {
    example: { embed_dim: 16, num_heads: 2, batch_first: true },
    fromInput: {
      key: 'embed_dim',
      derive: (spec, shape) =>
        shape.length === 2 || shape.length === 3 ? { ...spec, embed_dim: shape.at(-1) } : spec,
    },
  },
});
