/**
 * Prints training steps per second of the MLP and the CNN of step-rate.ts on the WebGPU backend and the
 * CPU backend (SGD, each step synchronised by reading its loss). Usage: npx tsx test/gpu/step-rate-run.ts [s]
 */
import { cpu } from '../../src/tensor/cpu/backend.ts';
import { createWebGpuBackend } from '../../src/tensor/webgpu/backend.ts';
import { trainingStepRate } from './step-rate.ts';

const seconds = Number(process.argv[2] ?? 5);
const gpu = await createWebGpuBackend();
console.log(`adapter: ${JSON.stringify(gpu.adapter)}`);
for (const model of ['mlp', 'cnn'] as const) {
  for (const backend of [gpu, cpu]) {
    const r = await trainingStepRate(backend, model, seconds);
    console.log(
      `${r.model} ${r.backend}: ${r.stepsPerSecond.toFixed(2)} steps/s ` +
        `(${r.steps} steps in ${r.seconds.toFixed(1)} s, loss ${r.lastLoss.toFixed(4)})`,
    );
  }
}
console.log(
  `webgpu: ${gpu.submitCount} submits, ${(gpu.runtime.buffers.bytesAllocated / 2 ** 20).toFixed(1)} MiB pooled`,
);
gpu.destroy();
