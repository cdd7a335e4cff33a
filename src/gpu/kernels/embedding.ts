/** Host side of shaders/embedding.wgsl. */
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const EmbeddingParams = defineParams('EmbeddingParams', {
  n: 'u32',
  numEmbeddings: 'u32',
  dim: 'u32',
});

const WG = 64;

export async function encodeEmbedding(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { weight: GPUBuffer; indices: GPUBuffer; out: GPUBuffer; n: number; numEmbeddings: number; dim: number },
): Promise<void> {
  step.dispatch({
    pipeline: await runtime.pipeline('embedding', 'forward', { WG }),
    buffers: [a.weight, a.indices, a.out],
    params: EmbeddingParams.pack({ n: a.n, numEmbeddings: a.numEmbeddings, dim: a.dim }),
    workgroups: grid1d(a.n * a.dim, WG),
    label: 'embedding',
  });
}

export async function encodeEmbeddingBackward(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { dy: GPUBuffer; indices: GPUBuffer; dweight: GPUBuffer; n: number; numEmbeddings: number; dim: number },
): Promise<void> {
  step.dispatch({
    pipeline: await runtime.pipeline('embedding', 'backward', { WG }),
    buffers: [a.dy, a.indices, a.dweight],
    params: EmbeddingParams.pack({ n: a.n, numEmbeddings: a.numEmbeddings, dim: a.dim }),
    workgroups: grid1d(a.numEmbeddings * a.dim, WG),
    label: 'embedding.backward',
  });
}
