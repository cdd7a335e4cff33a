/** Named errors of the GPU layer. */

/** No WebGPU implementation or no adapter: the message says what was tried and how to get one. */
export class NoWebGpuError extends Error {
  override readonly name = 'NoWebGpuError';
}

/** A popped error scope or a lost device, with the operation that caused it. */
export class GpuValidationError extends Error {
  override readonly name = 'GpuValidationError';
}
