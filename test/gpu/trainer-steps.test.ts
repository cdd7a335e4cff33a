/**
 * The shipped Trainer on WebGPU (Dawn in Node): `enqueueStep` is one command buffer per training step and
 * never waits on the device; the loss (and batch accuracy) come back every k steps, one read-back each,
 * equal to the CPU backend's losses of the same steps.
 */
import { expect } from 'vitest';
import { buildModule } from '../../src/nn/index.ts';
import { SGD } from '../../src/optim/index.ts';
import { Generator, cpu } from '../../src/tensor/index.ts';
import type { Backend } from '../../src/tensor/index.ts';
import { WebGpuBackend } from '../../src/tensor/webgpu/backend.ts';
import { type StepRecord, Trainer, datasetFromBytes } from '../../src/train/index.ts';
import { dataBytes } from '../unit/train/fixtures.ts';
import { expectClose } from './compare.ts';
import { gpuTest } from './harness.ts';

const spec = {
  type: 'Sequential',
  layers: [
    { type: 'Linear', in_features: 3, out_features: 8 },
    { type: 'ReLU' },
    { type: 'Linear', in_features: 8, out_features: 3 },
  ],
};

function trainerOn(backend: Backend, metricsEvery: number): Trainer {
  const model = buildModule(spec, { backend, generator: new Generator(3) });
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const data = datasetFromBytes(dataBytes(24, 3));
  return new Trainer({ model, optimizer, data, batchSize: 8, loss: 'cross_entropy', backend, metricsEvery });
}

gpuTest(
  'Trainer.enqueueStep: N submits, ceil(N/k) read-backs, no wait inside a step',
  async ({ runtime }) => {
    const gpu = new WebGpuBackend(runtime);
    let reads = 0;
    const read = gpu.read.bind(gpu);
    gpu.read = (...args) => {
      reads++;
      return read(...args);
    };
    const N = 12;
    const k = 4;
    const trainer = trainerOn(gpu, k);
    const pending: Promise<StepRecord>[] = [];
    const submits = gpu.submitCount;
    for (let i = 0; i < N; i++) {
      const before = gpu.submitCount;
      const handle = trainer.enqueueStep(); // returns at once: nothing in it awaits the device
      expect(handle.step).toBe(i + 1);
      expect(gpu.submitCount - before, `command buffers of step ${i + 1}`).toBe(1);
      expect(handle.metrics !== undefined, `step ${i + 1} reads back`).toBe((i + 1) % k === 0);
      if (handle.metrics !== undefined) pending.push(handle.metrics);
    }
    const records = await Promise.all(pending);
    expect(gpu.submitCount - submits, 'command buffers in all').toBe(N);
    expect(reads, 'read-backs').toBe(Math.ceil(N / k));
    // A read-back on demand (the Step button, the CLI): trainStep, still one command buffer.
    records.push(await trainer.trainStep());
    expect(gpu.submitCount - submits).toBe(N + 1);
    expect(reads).toBe(Math.ceil(N / k) + 1);
    expect(records.map((r) => r.step)).toEqual([4, 8, 12, 13]);

    // The same steps on the CPU backend, every loss read: the GPU's read-back losses and accuracies agree.
    const ref = await trainerOn(cpu, 1).run(N + 1);
    for (const r of records) {
      const want = ref[r.step - 1]!;
      expectClose([r.loss], [want.loss], { atol: 1e-5, rtol: 1e-4, label: `loss at step ${r.step}` });
      expect(r.accuracy).toBe(want.accuracy);
    }
    expect(trainer.lastLoss).toBe(records[3]!.loss);
  },
);
