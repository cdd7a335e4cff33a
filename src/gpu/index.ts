/**
 * Layer 2: WebGPU plumbing. A GpuRuntime (device, buffer pool, pipeline cache) plus a StepEncoder per training
 * step; the kernel hosts in ./kernels encode one kernel family each into a step.
 */
export * from './buffer-pool.ts';
export * from './device.ts';
export * from './dispatch.ts';
export * from './error-scope.ts';
export * from './errors.ts';
export * from './params.ts';
export * from './pipeline-cache.ts';
export * from './readback.ts';
export * from './runtime.ts';
export * from './shader-source.ts';
export * from './kernels/binary.ts';
export * from './kernels/conv2d.ts';
export * from './kernels/dropout.ts';
export * from './kernels/embedding.ts';
export * from './kernels/im2col.ts';
export * from './kernels/layer-norm.ts';
export * from './kernels/matmul.ts';
export * from './kernels/optimizer.ts';
export * from './kernels/pack.ts';
export * from './kernels/pool2d.ts';
export * from './kernels/reduce.ts';
export * from './kernels/resize.ts';
export * from './kernels/softmax.ts';
export * from './kernels/strided-copy.ts';
export * from './kernels/unary.ts';
