/** Layer 3: tensors, the op table, autograd, the CPU and WebGPU backends, and the functional composites. */
export type * from './backend.ts';
export { isGradEnabled, noGrad } from './autograd.ts';
export { CpuBackend, cpu } from './cpu/backend.ts';
export { type BackendChoice, type SelectedBackend, isSoftwareAdapter, selectBackend } from './select.ts';
export { WebGpuBackend, type WebGpuBackendOptions, createWebGpuBackend } from './webgpu/backend.ts';
export * as F from './functional/index.ts';
export { ops, type OpDef, type OpName } from './ops.ts';
export { Generator, counterUniform, defaultGenerator, manualSeed, philoxKey } from './random.ts';
export { formatSize } from './shape.ts';
export {
  Tensor,
  apply,
  defaultBackend,
  fromHost,
  full,
  ones,
  rand,
  randn,
  setDefaultBackend,
  tensor,
  zeros,
  type TensorOptions,
} from './tensor.ts';
