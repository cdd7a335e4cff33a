/**
 * Fused causal attention: shaders/attention.wgsl and attention_backward.wgsl against their twin
 * (src/kernels/attention.ts), forward and the three gradients, for T below and past the workgroup size (64),
 * T = 1, T not a multiple of the kernels' 4-row blocks, and D over one chunk of 32 and not a multiple of it;
 * then the fused op (F.scaledDotProductAttention) against the composite of primitives (F.attentionComposite),
 * values and gradients, on the CPU backend and on WebGPU.
 */
import { describe, expect, it } from 'vitest';
import {
  AttentionParams,
  encodeAttention,
  encodeAttentionBackward,
} from '../../src/gpu/kernels/attention.ts';
import { attentionBackward, attentionForward, attentionKernelFits } from '../../src/kernels/attention.ts';
import { type Backend, F, type Tensor, cpu, fromHost } from '../../src/tensor/index.ts';
import { WebGpuBackend } from '../../src/tensor/webgpu/backend.ts';
import { expectClose, randomFloats } from './compare.ts';
import { gpuTest } from './harness.ts';
import { output, readFloat32, runStep, upload } from './run.ts';

describe('AttentionParams', () => {
  it('is laid out to the byte', () => {
    expect(AttentionParams.fields.map((f) => [f.name, f.offset])).toEqual([
      ['rows', 0],
      ['t', 4],
      ['d4', 8],
      ['scale', 12],
    ]);
    const bytes = new DataView(AttentionParams.pack({ rows: 134, t: 67, d4: 2, scale: 0.5 }));
    expect(bytes.byteLength).toBe(16);
    expect([bytes.getUint32(0, true), bytes.getUint32(4, true), bytes.getUint32(8, true)]).toEqual([
      134, 67, 2,
    ]);
    expect(bytes.getFloat32(12, true)).toBe(0.5);
  });

  it('takes head sizes that are multiples of 4', () => {
    expect([4, 32, 36, 256].map(attentionKernelFits)).toEqual([true, true, true, true]);
    expect([0, 3, 6, 130].map(attentionKernelFits)).toEqual([false, false, false, false]);
  });
});

describe('attention kernels vs twin', () => {
  // (heads, T, D): T below the workgroup, T = 1, T past one workgroup and not a multiple of it; T not a
  // multiple of the kernels' blocks of 4 rows, with D one full chunk of 32 (the blocked paths) and past it
  // (row by row within a block), over several heads.
  const SHAPES: [number, number, number][] = [
    [2, 5, 4],
    [3, 1, 8],
    [2, 67, 8],
    [1, 16, 36],
    [1, 9, 64],
    [3, 6, 32],
    [2, 10, 40],
  ];
  for (const [heads, t, d] of SHAPES) {
    gpuTest(`(${heads}, ${t}, ${d})`, async ({ runtime, device }) => {
      const n = heads * t * d;
      const g = { heads, t, d, scale: 1 / Math.sqrt(d) };
      const [q, k, v, dOut] = [1, 2, 3, 4].map((s) => randomFloats(n, s, -2, 2)) as Float32Array[];
      const ref = attentionForward(q!, k!, v!, g);
      const refGrad = attentionBackward(q!, k!, v!, ref.probs, ref.out, dOut!, g);
      const [bq, bk, bv, bdOut] = [q!, k!, v!, dOut!].map((x) => upload(runtime, x));
      const [out, probs, dq, dk, dv] = [n, heads * t * t, n, n, n].map((len) => output(runtime, len));
      await runStep(runtime, (step) => {
        encodeAttention(runtime, step, { q: bq!, k: bk!, v: bv!, out: out!, probs: probs!, g });
        encodeAttentionBackward(runtime, step, {
          q: bq!,
          k: bk!,
          v: bv!,
          probs: probs!,
          out: out!,
          dOut: bdOut!,
          dq: dq!,
          dk: dk!,
          dv: dv!,
          g,
        });
      });
      const tol = { atol: 2e-6, rtol: 2e-5 };
      expectClose(await readFloat32(device, out!, n), ref.out, { ...tol, label: 'out' });
      expectClose(await readFloat32(device, probs!, heads * t * t), ref.probs, { ...tol, label: 'P' });
      expectClose(await readFloat32(device, dq!, n), refGrad.dq, { ...tol, label: 'dq' });
      expectClose(await readFloat32(device, dk!, n), refGrad.dk, { ...tol, label: 'dk' });
      expectClose(await readFloat32(device, dv!, n), refGrad.dv, { ...tol, label: 'dv' });
    });
  }
});

/** Output and the gradients of sum(out * upstream) for q, k, v. */
async function run(be: Backend, shape: number[], fn: (q: Tensor, k: Tensor, v: Tensor) => Tensor) {
  const size = shape.reduce((a, b) => a * b, 1);
  const [q, k, v] = [10, 11, 12].map((s) =>
    fromHost(randomFloats(size, s, -2, 2), shape, { backend: be, requiresGrad: true }),
  ) as [Tensor, Tensor, Tensor];
  const y = fn(q, k, v);
  y.mul(fromHost(randomFloats(y.numel, 13), y.shape, { backend: be }))
    .sum()
    .backward();
  const grads = await Promise.all([q, k, v].map((x) => (x.grad as Tensor).data()));
  return { y: await y.data(), grads };
}

const fused = (q: Tensor, k: Tensor, v: Tensor) => F.scaledDotProductAttention(q, k, v, { isCausal: true });
const composite = (q: Tensor, k: Tensor, v: Tensor) => F.attentionComposite(q, k, v, { isCausal: true });

// (B, H, T, D): a GPT-like head split, T = 1, T past a workgroup.
const OP_SHAPES = [
  [2, 2, 7, 8],
  [1, 3, 1, 4],
  [1, 2, 65, 4],
];

function expectSame(
  got: Awaited<ReturnType<typeof run>>,
  ref: Awaited<ReturnType<typeof run>>,
  label: string,
) {
  const tol = { atol: 1e-5, rtol: 1e-4 };
  expectClose(got.y, ref.y, { ...tol, label: `${label} forward` });
  got.grads.forEach((g, i) => expectClose(g, ref.grads[i]!, { ...tol, label: `${label} grad ${'qkv'[i]}` }));
}

describe('fused attention op vs the composite', () => {
  for (const shape of OP_SHAPES) {
    it(`cpu [${shape.join(', ')}]`, async () => {
      expectSame(await run(cpu, shape, fused), await run(cpu, shape, composite), 'cpu');
    });
    gpuTest(`webgpu [${shape.join(', ')}]`, async ({ runtime }) => {
      const gpu = new WebGpuBackend(runtime);
      const ref = await run(gpu, shape, composite);
      expectSame(await run(gpu, shape, fused), ref, 'webgpu');
      expectSame(ref, await run(cpu, shape, composite), 'webgpu composite vs cpu');
      gpu.flush();
    });
  }

  it('gives a gradient only to the inputs that require one', async () => {
    const shape = [1, 2, 5, 4];
    const grads = async (fn: typeof fused) => {
      const [q, k, v] = [10, 11, 12].map((s, i) =>
        fromHost(randomFloats(40, s), shape, { backend: cpu, requiresGrad: i === 1 }),
      ) as [Tensor, Tensor, Tensor];
      fn(q, k, v).sum().backward();
      expect([q.grad, v.grad]).toEqual([null, null]);
      return (k.grad as Tensor).data();
    };
    expectClose(await grads(fused), await grads(composite), { atol: 1e-5, rtol: 1e-4, label: 'dk alone' });
  });

  it('runs the composite where the kernels do not apply (D = 3, not causal)', async () => {
    const a = await run(cpu, [1, 2, 4, 3], fused);
    expectSame(a, await run(cpu, [1, 2, 4, 3], composite), 'D = 3');
    const plain = (q: Tensor, k: Tensor, v: Tensor) => F.scaledDotProductAttention(q, k, v);
    const b = await run(cpu, [2, 4, 4], plain);
    expectSame(b, await run(cpu, [2, 4, 4], (q, k, v) => F.attentionComposite(q, k, v)), 'not causal');
  });
});
