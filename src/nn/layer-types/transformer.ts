/**
 * torch.nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu',
 * layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True): (S, N, E), (N, S, E) with batch_first,
 * or unbatched (S, E), to the same shape. activation is a string here (torch also takes a callable).
 */
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
    // F.multi_head_attention_forward's shape checks (the slow path; torch's fast path is eval batch_first 3-D).
    if (input.length !== 2 && input.length !== 3)
      throw torch(
        `query should be unbatched 2D or batched 3D tensor but received ${input.length}-D query tensor`,
        'TransformerEncoderLayer takes (S, N, E), (N, S, E) with batch_first, or unbatched (S, E)',
      );
    if (e !== d)
      throw torch(
        `was expecting embedding dimension of ${d}, but got ${e}`,
        `d_model is ${d}, but its input has ${e} features`,
      );
    return [...input];
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
