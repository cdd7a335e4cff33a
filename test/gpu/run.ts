/** Test helpers: run encoders in one step and read buffers back. */
import { StepEncoder } from '../../src/gpu/dispatch.ts';
import { readFloat32, upload } from '../../src/gpu/readback.ts';
import type { GpuRuntime } from '../../src/gpu/runtime.ts';

export async function runStep(
  runtime: GpuRuntime,
  encode: (step: StepEncoder) => void | Promise<void>,
): Promise<void> {
  const step = new StepEncoder(runtime);
  await encode(step);
  step.submit();
}

export function output(runtime: GpuRuntime, length: number): GPUBuffer {
  return runtime.buffers.acquire(Math.max(4, length * 4));
}

export { readFloat32, upload };
