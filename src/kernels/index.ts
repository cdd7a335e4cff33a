/**
 * The plain TypeScript kernels: the CPU backend, and the reference every WGSL kernel is tested against.
 * One file per kernel family; each mirrors shaders/<family>.wgsl.
 */
export * from './activation.ts';
export * from './broadcast.ts';
export * from './matmul.ts';
export * from './unary.ts';
export * from './binary.ts';
export * from './reduce.ts';
export * from './softmax.ts';
export * from './loss.ts';
export * from './conv2d.ts';
export * from './im2col.ts';
export * from './pool2d.ts';
export * from './batch-norm.ts';
export * from './layer-norm.ts';
export * from './philox.ts';
export * from './dropout.ts';
export * from './embedding.ts';
export * from './resize.ts';
export * from './strided-copy.ts';
export * from './optimizer.ts';
export * from './pad.ts';
export * from './where.ts';
