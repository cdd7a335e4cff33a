/** torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx=None): int64 (...) -> (..., dim). */
import { Embedding } from '../layers/embedding.ts';
import { torchRefusal as torch } from '../spec-keywords.ts';
import { defineLayer } from './entry.ts';
import { numOrNull, size } from './keyword.ts';

export const embedding = defineLayer({
  type: 'Embedding',
  keywords: {
    num_embeddings: size({ field: 'int' }),
    embedding_dim: size({ field: 'int' }),
    padding_idx: numOrNull(null),
  },
  check: (a) => {
    const pad = a.padding_idx;
    if (pad !== null && (pad >= a.num_embeddings || pad < -a.num_embeddings))
      throw torch('Padding_idx must be within num_embeddings');
  },
  takes: {
    dtype: 'int64',
    otherwise: () =>
      torch(
        "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)",
        'an Embedding takes integer indices; this data is floating point',
      ),
  },
  state: (a) => ({ params: { weight: [a.num_embeddings, a.embedding_dim] } }),
  output: (a, input) => [...input, a.embedding_dim], // (...) -> (..., dim)
  build: (a, opts) =>
    new Embedding(a.num_embeddings, a.embedding_dim, { ...opts, paddingIdx: a.padding_idx }),
  // Not offered by the "add" menu: the editor's data is floating point.
  editor: {},
});
