import { F, type Tensor, noGrad } from '../../tensor/index.ts';
import { type InitOptions, normal } from '../init.ts';
import { Module } from '../module.ts';

export interface EmbeddingOptions extends InitOptions {
  paddingIdx?: number | null;
}

/** torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx=None): weight N(0, 1), padding row zero. */
export class Embedding extends Module {
  readonly typeName = 'Embedding';
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: EmbeddingOptions = {},
  ) {
    super();
    let pad = opts.paddingIdx ?? null;
    if (pad !== null) {
      if (pad >= numEmbeddings || pad < -numEmbeddings)
        throw new RangeError('Padding_idx must be within num_embeddings');
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    const weight = normal([numEmbeddings, embeddingDim], 0, 1, opts);
    if (pad !== null) {
      const host = weight.dataSync() as Float32Array;
      host.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
      noGrad(() => weight.backend.write(weight.buffer, host));
    }
    this.registerParameter('weight', weight);
  }

  get weight(): Tensor {
    return this.param('weight') as Tensor;
  }

  forward(indices: Tensor): Tensor {
    return F.embedding(indices, this.weight, this.paddingIdx); // (...) -> (..., dim)
  }
}
