/**
 * Whole models on the WebGPU backend against the CPU backend, from the same state_dict: an MLP
 * (Linear-ReLU-Linear) and a CNN (Conv2d-BatchNorm2d-ReLU-MaxPool2d-Flatten-Linear), cross-entropy, forward,
 * backward and several optimizer steps (SGD with momentum; Adam). Losses and final parameters and buffers
 * agree within 1e-4 relative; each training step on the GPU is one command buffer.
 */
import { describe, expect } from 'vitest';
import type { ModuleSpec } from '../../src/nn/index.ts';
import { cpu } from '../../src/tensor/cpu/backend.ts';
import { WebGpuBackend } from '../../src/tensor/webgpu/backend.ts';
import { expectClose } from './compare.ts';
import { gpuTest } from './harness.ts';
import { type OptimizerKind, buildOn, makeOptimizer, randomBatch, trainStep } from './step-rate.ts';

const MLP: ModuleSpec = {
  type: 'Sequential',
  layers: [
    { type: 'Linear', in_features: 20, out_features: 32 },
    { type: 'ReLU' },
    { type: 'Linear', in_features: 32, out_features: 5 },
  ],
};

// No conv bias before BatchNorm (as usual): BN cancels it, so its gradient is rounding noise, which Adam
// normalises into full-size steps of random sign on either backend.
const CNN: ModuleSpec = {
  type: 'Sequential',
  layers: [
    { type: 'Conv2d', in_channels: 2, out_channels: 4, kernel_size: 3, padding: 1, bias: false },
    { type: 'BatchNorm2d', num_features: 4 },
    { type: 'ReLU' },
    { type: 'MaxPool2d', kernel_size: 2 },
    { type: 'Flatten' },
    { type: 'Linear', in_features: 4 * 4 * 4, out_features: 5 },
  ],
};

const STEPS = 5;
const TOL = { atol: 1e-6, rtol: 1e-4 };

function modelTest(name: string, spec: ModuleSpec, xShape: number[], kind: OptimizerKind): void {
  gpuTest(`${name}, ${kind}: losses and final state agree`, async ({ runtime }) => {
    const gpu = new WebGpuBackend(runtime);
    const onCpu = buildOn(spec, cpu, 7);
    const onGpu = buildOn(spec, gpu, 99); // different init, then the CPU model's state_dict
    onGpu.loadStateDict(onCpu.stateDict());
    const optCpu = makeOptimizer(kind, onCpu);
    const optGpu = makeOptimizer(kind, onGpu);
    for (let s = 0; s < STEPS; s++) {
      const batch = randomBatch(xShape, 5, 1000 + s);
      const ref = trainStep(onCpu, optCpu, batch, cpu).dataSync();
      const submits = gpu.submitCount;
      const got = await trainStep(onGpu, optGpu, batch, gpu).data();
      expect(gpu.submitCount - submits, 'command buffers per step').toBe(1);
      expectClose(got, ref, { ...TOL, label: `loss at step ${s}` });
    }
    for (const [key, t] of onCpu.stateDict()) {
      const g = onGpu.stateDict().get(key)!;
      const got = await g.data();
      const ref = t.dataSync();
      if (t.dtype === 'int64') expect([...got], key).toEqual([...ref]);
      else expectClose(got, ref, { ...TOL, label: key });
    }
  });
}

describe('whole models: WebGPU vs CPU backend', () => {
  modelTest('MLP 20-32-5', MLP, [16, 20], 'sgd-momentum');
  modelTest('MLP 20-32-5', MLP, [16, 20], 'adam');
  modelTest('CNN conv-bn-relu-pool-linear', CNN, [6, 2, 8, 8], 'sgd-momentum');
  modelTest('CNN conv-bn-relu-pool-linear', CNN, [6, 2, 8, 8], 'adam');
});
