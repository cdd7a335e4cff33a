/**
 * The attention primitives on WebGPU: the pad and where kernels against their TypeScript twins (bit for bit:
 * they copy or select, never compute), and pad/narrow, cat, where/masked_fill and broadcast batched matmul
 * through the op table on the WebGPU backend against the CPU backend, forward and gradients.
 */
import { describe, expect } from 'vitest';
import { encodePad } from '../../src/gpu/kernels/pad.ts';
import { encodeWhere } from '../../src/gpu/kernels/where.ts';
import { sizeOf } from '../../src/kernels/broadcast.ts';
import { pad, paddedShape } from '../../src/kernels/pad.ts';
import { where, whereShape } from '../../src/kernels/where.ts';
import { type Backend, F, type Tensor, cpu, fromHost } from '../../src/tensor/index.ts';
import { WebGpuBackend } from '../../src/tensor/webgpu/backend.ts';
import { expectClose, randomFloats } from './compare.ts';
import { gpuTest } from './harness.ts';
import { output, readFloat32, runStep, upload } from './run.ts';

describe('pad and where kernels vs twins', () => {
  const PADS: [number[], number[], number[]][] = [
    [
      [5, 7],
      [1, 2],
      [3, 0],
    ],
    [
      [2, 3, 4],
      [0, -1, 2],
      [1, 1, -2],
    ], // crops and pads at once
    [
      [2, 4, 3, 5],
      [0, 0, -1, 0],
      [0, -2, 0, -3],
    ], // narrow only
  ];
  for (const [shape, before, after] of PADS) {
    gpuTest(
      `pad [${shape.join(', ')}] by ${before.join(',')} / ${after.join(',')}`,
      async ({ runtime, device }) => {
        const x = randomFloats(sizeOf(shape), 3);
        const ref = pad(x, shape, before, after);
        const out = output(runtime, sizeOf(paddedShape(shape, before, after)));
        await runStep(runtime, (step) =>
          encodePad(runtime, step, { src: upload(runtime, x), out, shape, before, after }),
        );
        expect(await readFloat32(device, out, ref.length)).toEqual(ref);
      },
    );
  }

  const WHERES: [number[], number[], number[]][] = [
    [
      [6, 5],
      [6, 5],
      [6, 5],
    ],
    [[1, 4, 4], [2, 3, 4, 4], []], // a causal mask over (B, nh, T, T), a scalar fill
    [[3, 1], [3, 4], [4]],
  ];
  for (const [cShape, aShape, bShape] of WHERES) {
    gpuTest(
      `where [${cShape.join(', ')}] [${aShape.join(', ')}] [${bShape.join(', ')}]`,
      async ({ runtime, device }) => {
        const cond = randomFloats(sizeOf(cShape), 4).map((v) => (v > 0 ? 1 : 0));
        const a = randomFloats(sizeOf(aShape), 5);
        const b = bShape.length === 0 ? Float32Array.of(-Infinity) : randomFloats(sizeOf(bShape), 6);
        const ref = where(cond, cShape, a, aShape, b, bShape);
        const out = output(runtime, sizeOf(whereShape(cShape, aShape, bShape)));
        await runStep(runtime, (step) =>
          encodeWhere(runtime, step, {
            cond: upload(runtime, cond),
            condShape: cShape,
            a: upload(runtime, a),
            aShape,
            b: upload(runtime, b),
            bShape,
            out,
          }),
        );
        expect(await readFloat32(device, out, ref.length)).toEqual(ref);
      },
    );
  }
});

/** Each case: input shapes and the composite, run on a backend. */
const CASES: Record<string, [number[][], (...xs: Tensor[]) => Tensor]> = {
  narrow_and_pad: [[[2, 5, 3]], (x) => F.pad(x.narrow(1, 1, 3), [1, 0, 0, 2])],
  cat_split: [
    [
      [2, 3, 4],
      [2, 1, 4],
    ],
    (a, b) => F.cat([...a.split([2, 1], 1).reverse(), b], 1),
  ],
  causal_softmax: [
    [[2, 2, 4, 4]],
    (x) => {
      const tril = fromHost(
        Float32Array.from({ length: 16 }, (_, i) => (i % 4 <= i >> 2 ? 1 : 0)),
        [4, 4],
        {
          backend: x.backend,
        },
      );
      return F.softmax(x.maskedFill(tril.eq(0), -Infinity), -1);
    },
  ],
  matmul_4d: [
    [
      [2, 3, 4, 5],
      [2, 3, 5, 6],
    ],
    (a, b) => a.matmul(b),
  ],
  matmul_broadcast: [
    [
      [2, 1, 4, 5],
      [3, 5, 2],
    ],
    (a, b) => a.matmul(b),
  ],
  matmul_shared: [
    [
      [4, 5],
      [2, 3, 5, 6],
    ],
    (a, b) => a.matmul(b).matmul(b.transpose(-2, -1)),
  ],
};

async function run(be: Backend, shapes: number[][], fn: (...xs: Tensor[]) => Tensor) {
  const xs = shapes.map((s, i) =>
    fromHost(randomFloats(sizeOf(s), 20 + i), s, { backend: be, requiresGrad: true }),
  );
  const y = fn(...xs);
  y.mul(fromHost(randomFloats(y.numel, 40), y.shape, { backend: be }))
    .sum()
    .backward();
  return { y: await y.data(), grads: await Promise.all(xs.map((x) => (x.grad as Tensor).data())) };
}

describe('attention primitives: WebGPU backend vs CPU backend, values and gradients', () => {
  for (const [name, [shapes, fn]] of Object.entries(CASES)) {
    gpuTest(name, async ({ runtime }) => {
      const gpu = new WebGpuBackend(runtime);
      const ref = await run(cpu, shapes, fn);
      const got = await run(gpu, shapes, fn);
      expectClose(got.y, ref.y, { atol: 1e-6, rtol: 1e-5, label: `${name} forward` });
      got.grads.forEach((g, i) =>
        expectClose(g, ref.grads[i]!, { atol: 1e-6, rtol: 1e-5, label: `${name} grad ${i}` }),
      );
      gpu.flush();
    });
  }
});
