/**
 * The checkpoint bar's one-line description of an architecture: the sizes its registry entry marks as
 * positional come first, unnamed, as torch's constructors take them; every other keyword as name=value.
 */
import { describe, expect, it } from 'vitest';
import { describeArchitecture } from '../../../src/ui/checkpoint-bar/describe-arch.ts';

describe('describeArchitecture', () => {
  it('writes sizes positionally and the rest by name, in Python spelling', () => {
    const spec = {
      type: 'Sequential',
      layers: [
        {
          type: 'Conv2d',
          in_channels: 1,
          out_channels: 8,
          kernel_size: [3, 3],
          padding: 'same',
          bias: false,
        },
        { type: 'Flatten' },
        { type: 'Linear', out_features: 10, in_features: 784 },
        { type: 'LayerNorm', normalized_shape: [10], eps: 0.001 },
        { type: 'Embedding', num_embeddings: 5, embedding_dim: 3, padding_idx: null },
        { type: 'Sequential', layers: [{ type: 'Tanh' }] },
      ],
    };
    expect(describeArchitecture(spec)).toBe(
      "Sequential of 6: Conv2d(1, 8, kernel_size=(3, 3), padding='same', bias=False), Flatten, " +
        'Linear(784, 10), LayerNorm((10,), eps=0.001), Embedding(5, 3, padding_idx=None), Sequential(Tanh)',
    );
  });

  it('names every keyword of a type the registry does not know', () => {
    expect(describeArchitecture({ type: 'Transformer', d_model: 64 })).toBe('Transformer(d_model=64)');
  });
});
