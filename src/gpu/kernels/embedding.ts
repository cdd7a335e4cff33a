/** Host side of shaders/embedding.wgsl. */
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const EmbeddingParams = defineParams('EmbeddingParams', {
  n: 'u32',
  numEmbeddings: 'u32',
  dim: 'u32',
  /** Backward: padding_idx (-1: none); one_hot: ignore_index. */
  skipIndex: 'i32',
});

const WG = 64;

export function encodeEmbedding(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { weight: GPUBuffer; indices: GPUBuffer; out: GPUBuffer; n: number; numEmbeddings: number; dim: number },
): void {
  step.dispatch({
    pipeline: runtime.pipeline('embedding', 'forward', { WG }),
    buffers: [a.weight, a.indices, a.out],
    params: EmbeddingParams.pack({ n: a.n, numEmbeddings: a.numEmbeddings, dim: a.dim, skipIndex: -1 }),
    workgroups: grid1d(a.n * a.dim, WG),
    label: 'embedding',
  });
}

export function encodeEmbeddingBackward(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: {
    dy: GPUBuffer;
    indices: GPUBuffer;
    dweight: GPUBuffer;
    n: number;
    numEmbeddings: number;
    dim: number;
    /** torch's padding_idx, in [0, numEmbeddings): that row's gradient stays zero. */
    paddingIdx?: number | null;
  },
): void {
  const skipIndex = a.paddingIdx ?? -1;
  step.dispatch({
    pipeline: runtime.pipeline('embedding', 'backward', { WG }),
    buffers: [a.dy, a.indices, a.dweight],
    params: EmbeddingParams.pack({ n: a.n, numEmbeddings: a.numEmbeddings, dim: a.dim, skipIndex }),
    workgroups: grid1d(a.numEmbeddings * a.dim, WG),
    label: 'embedding.backward',
  });
}

/** out (n, classes) float32 0/1 from int targets; ignoreIndex and out-of-range targets give a zero row. */
export function encodeOneHot(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { targets: GPUBuffer; out: GPUBuffer; n: number; classes: number; ignoreIndex: number },
): void {
  step.dispatch({
    pipeline: runtime.pipeline('embedding', 'one_hot', { WG }),
    buffers: [a.targets, a.out],
    params: EmbeddingParams.pack({
      n: a.n,
      numEmbeddings: a.classes,
      dim: a.classes,
      skipIndex: a.ignoreIndex,
    }),
    workgroups: grid1d(a.n * a.classes, WG),
    label: 'one_hot',
  });
}
