/**
 * On WebGPU (Dawn), matmul reads a transposed view in place: no permute kernel in the forward, and the
 * values and gradients of the copied path and of the CPU twin.
 */
import { expect } from 'vitest';
import { CpuBackend } from '../../src/tensor/cpu/backend.ts';
import { WebGpuBackend } from '../../src/tensor/webgpu/backend.ts';
import { attentionScores } from '../support/view-cases.ts';
import { expectClose } from './compare.ts';
import { gpuTest } from './harness.ts';

gpuTest(
  'q @ k.transpose(-2, -1) reads k in place and agrees with the copy and the twin',
  async ({ runtime }) => {
    const view = await attentionScores(new WebGpuBackend(runtime), false);
    const copied = await attentionScores(new WebGpuBackend(runtime), true);
    const twin = await attentionScores(new CpuBackend(), false);
    expect(view.forwardCopies).toBe(0);
    expect(copied.forwardCopies).toBe(1);
    for (const key of ['out', 'gradA', 'gradB'] as const) {
      expectClose(view[key], copied[key], { atol: 1e-6, rtol: 1e-5, label: `${key} vs copied` });
      expectClose(view[key], twin[key], { atol: 1e-5, rtol: 1e-4, label: `${key} vs twin` });
    }
  },
);
