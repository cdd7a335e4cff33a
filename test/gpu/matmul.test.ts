import { describe, expect } from 'vitest';
import { StepEncoder } from '../../src/gpu/dispatch.ts';
import { encodeMatmul } from '../../src/gpu/kernels/matmul.ts';
import { readFloat32, upload } from '../../src/gpu/readback.ts';
import type { Activation } from '../../src/kernels/activation.ts';
import { matmul } from '../../src/kernels/matmul.ts';
import { expectClose, randomFloats } from './compare.ts';
import { gpuTest } from './harness.ts';

interface Case {
  batch: number;
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
  shareA?: boolean;
  shareB?: boolean;
  bias?: boolean;
  activation?: Activation;
}

const CASES: Case[] = [
  { batch: 1, m: 1, k: 1, n: 1 },
  { batch: 1, m: 16, k: 16, n: 16 },
  { batch: 1, m: 33, k: 17, n: 45 },
  { batch: 3, m: 7, k: 5, n: 3 },
  { batch: 2, m: 31, k: 9, n: 13, transA: true },
  { batch: 2, m: 29, k: 11, n: 6, transB: true },
  { batch: 2, m: 5, k: 37, n: 19, transA: true, transB: true },
  { batch: 4, m: 10, k: 12, n: 7, transB: true, shareB: true, bias: true, activation: 'relu' },
  { batch: 1, m: 65, k: 30, n: 66, bias: true, activation: 'gelu' },
  { batch: 3, m: 20, k: 12, n: 24 }, // aligned: no pack pass
  { batch: 2, m: 9, k: 8, n: 12, shareA: true },
  { batch: 2, m: 70, k: 132, n: 68, transB: true, bias: true },
  { batch: 1, m: 9, k: 8, n: 9, bias: true, activation: 'tanh' },
  { batch: 1, m: 9, k: 8, n: 9, activation: 'sigmoid' },
];

describe('matmul kernel vs its TypeScript twin', () => {
  for (const c of CASES) {
    const name = `batch ${c.batch} ${c.m}x${c.k}x${c.n}${c.transA ? ' transA' : ''}${c.transB ? ' transB' : ''}${
      c.shareA ? ' shared A' : ''
    }${c.shareB ? ' shared B' : ''}${c.bias ? ' +bias' : ''} ${c.activation ?? ''}`;
    gpuTest(name, async ({ runtime, device }) => {
      const a = randomFloats((c.shareA ? 1 : c.batch) * c.m * c.k, 1);
      const b = randomFloats((c.shareB ? 1 : c.batch) * c.k * c.n, 2);
      const bias = c.bias ? randomFloats(c.n, 3) : undefined;
      const shape = {
        batch: c.batch,
        m: c.m,
        k: c.k,
        n: c.n,
        transA: c.transA ?? false,
        transB: c.transB ?? false,
      };
      const ref = matmul(a, b, { ...shape, ...(bias ? { bias } : {}), activation: c.activation ?? 'none' });
      const out = runtime.buffers.acquire(ref.byteLength);
      const step = new StepEncoder(runtime);
      encodeMatmul(runtime, step, {
        ...shape,
        a: upload(runtime, a),
        b: upload(runtime, b),
        out,
        aLength: a.length,
        bLength: b.length,
        ...(bias ? { bias: upload(runtime, bias) } : {}),
        activation: c.activation ?? 'none',
      });
      step.submit();
      const got = await readFloat32(device, out, ref.length);
      expectClose(got, ref, { atol: 1e-5, rtol: 1e-4, label: name });
      expect(step.dispatchCount).toBeLessThanOrEqual(3); // pack A, pack B, matmul: one command buffer
    });
  }
});
