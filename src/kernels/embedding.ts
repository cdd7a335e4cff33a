/** embedding: out[i, :] = weight[indices[i], :]; the backward scatter-adds dy rows into dweight. */

function checkIndex(index: number, numEmbeddings: number): void {
  if (index < 0 || index >= numEmbeddings)
    throw new RangeError(`embedding: index ${index} out of range [0, ${numEmbeddings})`);
}

/** weight (numEmbeddings, dim), indices (n) -> (n, dim). */
export function embedding(
  weight: Float32Array,
  indices: Int32Array,
  numEmbeddings: number,
  dim: number,
): Float32Array {
  if (weight.length !== numEmbeddings * dim) throw new RangeError('embedding: weight has the wrong size');
  const out = new Float32Array(indices.length * dim);
  for (let i = 0; i < indices.length; i++) {
    const idx = indices[i]!;
    checkIndex(idx, numEmbeddings);
    out.set(weight.subarray(idx * dim, idx * dim + dim), i * dim);
  }
  return out;
}

/** dy (n, dim) -> dweight (numEmbeddings, dim); repeated indices accumulate. */
export function embeddingBackward(
  dy: Float32Array,
  indices: Int32Array,
  numEmbeddings: number,
  dim: number,
): Float32Array {
  const dw = new Float32Array(numEmbeddings * dim);
  for (let i = 0; i < indices.length; i++) {
    const idx = indices[i]!;
    checkIndex(idx, numEmbeddings);
    for (let j = 0; j < dim; j++) dw[idx * dim + j]! += dy[i * dim + j]!;
  }
  return dw;
}
