/**
 * Every Backend method on the WebGPU backend against the CPU backend (the kernels' twins), on seeded data,
 * within atol + rtol * |ref|; exact where the kernels must agree bit for bit (copies, masks, indices).
 */
import { describe, expect } from 'vitest';
import type { Backend, DType, DeviceBuffer, HostArray, Shape } from '../../src/tensor/backend.ts';
import { cpu } from '../../src/tensor/cpu/backend.ts';
import { WebGpuBackend } from '../../src/tensor/webgpu/backend.ts';
import { expectClose, randomFloats, randomInts } from './compare.ts';
import { gpuTest } from './harness.ts';

const size = (s: Shape): number => s.reduce((a, d) => a * d, 1);

/** Runs `op` on both backends over the same host inputs and compares what it returns. */
async function agree(
  gpu: WebGpuBackend,
  inputs: readonly HostArray[],
  op: (be: Backend, bufs: DeviceBuffer[]) => DeviceBuffer,
  { dtype = 'float32' as DType, atol = 1e-5, rtol = 1e-4, label = 'values' } = {},
): Promise<HostArray> {
  const ref = cpu.readSync(
    op(
      cpu,
      inputs.map((x) => cpu.upload(x)),
    ),
    dtype,
  );
  const got = await gpu.read(
    op(
      gpu,
      inputs.map((x) => gpu.upload(x)),
    ),
    dtype,
  );
  expectClose(got, ref, { atol, rtol, label });
  return got;
}

function backendTest(name: string, body: (gpu: WebGpuBackend) => Promise<void>): void {
  gpuTest(name, async ({ runtime }) => {
    const gpu = new WebGpuBackend(runtime);
    try {
      await body(gpu);
    } finally {
      gpu.flush();
    }
  });
}

describe('WebGpuBackend vs CpuBackend: memory', () => {
  backendTest('upload, full and read round-trip float32 and int64', async (gpu) => {
    const f = randomFloats(300, 1);
    const i = Int32Array.of(-7, 0, 3, 2147483647, -2147483648);
    expect(await gpu.read(gpu.upload(f), 'float32')).toEqual(f);
    expect(await gpu.read(gpu.upload(i), 'int64')).toEqual(i);
    expect(await gpu.read(gpu.full(5, 2.5, 'float32'), 'float32')).toEqual(new Float32Array(5).fill(2.5));
    expect(await gpu.read(gpu.full(3, -4, 'int64'), 'int64')).toEqual(Int32Array.of(-4, -4, -4));
    expect(await gpu.read(gpu.full(0, 1, 'float32'), 'float32')).toEqual(new Float32Array(0));
  });

  backendTest('write and assign keep their place among recorded work', async (gpu) => {
    const x = gpu.upload(Float32Array.of(1, 2, 3));
    const before = gpu.unary('neg', x, 3); // recorded, not yet run
    gpu.write(x, Float32Array.of(10, 20, 30)); // must land after `before` read x
    const after = gpu.unary('neg', x, 3);
    const y = gpu.upload(Float32Array.of(7, 8, 9));
    const beforeAssign = gpu.unary('neg', y, 3);
    gpu.assign(y, after);
    const submits = gpu.submitCount;
    expect(await gpu.read(before, 'float32')).toEqual(Float32Array.of(-1, -2, -3));
    expect(gpu.submitCount).toBe(submits + 1); // the whole sequence was one command buffer
    expect(await gpu.read(after, 'float32')).toEqual(Float32Array.of(-10, -20, -30));
    expect(await gpu.read(beforeAssign, 'float32')).toEqual(Float32Array.of(-7, -8, -9));
    expect(await gpu.read(y, 'float32')).toEqual(Float32Array.of(-10, -20, -30));
    gpu.write(y, Float32Array.of(1, 1, 1)); // no step open: a plain queue write
    expect(await gpu.read(y, 'float32')).toEqual(Float32Array.of(1, 1, 1));
    expect(() => gpu.write(y, Float32Array.of(1))).toThrow(RangeError);
  });

  backendTest('free returns a buffer; using it afterwards throws', async (gpu) => {
    const x = gpu.upload(Float32Array.of(1, 2));
    const y = gpu.unary('exp', x, 2);
    gpu.free(x); // y's dispatch still reads x: the buffer is pooled again only after the submit
    const z = gpu.upload(Float32Array.of(5, 6)); // may not reuse x's buffer while the step is open
    expectClose(await gpu.read(y, 'float32'), [Math.E, Math.E ** 2]);
    expect(await gpu.read(z, 'float32')).toEqual(Float32Array.of(5, 6));
    expect(() => gpu.unary('neg', x, 2)).toThrow('after free');
  });
});

describe('WebGpuBackend vs CpuBackend: elementwise', () => {
  backendTest('unary ops and their fused gradients', async (gpu) => {
    const x = randomFloats(1000, 2, -3, 3);
    const pos = randomFloats(1000, 3, 0.1, 4);
    const dy = randomFloats(1000, 4);
    for (const op of ['neg', 'exp', 'relu', 'tanh', 'sigmoid', 'erf'] as const)
      await agree(gpu, [x], (be, [a]) => be.unary(op, a!, 1000), { label: op });
    for (const op of ['log', 'sqrt'] as const)
      await agree(gpu, [pos], (be, [a]) => be.unary(op, a!, 1000), { label: op });
    for (const op of ['relu', 'tanh', 'sigmoid', 'erf'] as const)
      await agree(gpu, [x, dy], (be, [s, g]) => be.unaryGrad(op, s!, g!, 1000), { label: `${op} grad` });
    await agree(gpu, [pos, dy], (be, [s, g]) => be.unaryGrad('sqrt', s!, g!, 1000), { label: 'sqrt grad' });
  });

  backendTest('binary ops with broadcasting, comparisons as 0/1', async (gpu) => {
    const cases: [Shape, Shape][] = [
      [
        [4, 5],
        [4, 5],
      ],
      [[2, 3, 4], [4]],
      [
        [3, 1],
        [1, 5],
      ],
      [
        [2, 1, 4, 1],
        [3, 1, 6],
      ],
      [[], [7]],
    ];
    for (const [as, bs] of cases) {
      const a = randomFloats(size(as), 5, -2, 2);
      const b = randomFloats(size(bs), 6, 0.5, 2);
      for (const op of ['add', 'sub', 'mul', 'div', 'eq', 'gt', 'lt'] as const)
        await agree(gpu, [a, b], (be, [x, y]) => be.binary(op, x!, as, y!, bs), {
          label: `${op} ${as}|${bs}`,
        });
    }
    const t = Float32Array.of(1, 2, 3);
    await agree(gpu, [t, Float32Array.of(2)], (be, [x, y]) => be.binary('eq', x!, [3], y!, [1]), {
      atol: 0,
      rtol: 0,
    });
  });
});

describe('WebGpuBackend vs CpuBackend: reductions and movement', () => {
  backendTest('sum and max over axis sets', async (gpu) => {
    const shape = [3, 4, 5, 6];
    const x = randomFloats(size(shape), 7);
    for (const axes of [[0], [1], [3], [0, 2], [1, 2, 3], [0, 1, 2, 3]])
      for (const op of ['sum', 'max'] as const)
        await agree(gpu, [x], (be, [a]) => be.reduce(op, a!, shape, axes), { label: `${op} ${axes}` });
  });

  backendTest('expand and permute, float32 and int64 bit for bit', async (gpu) => {
    const x = randomFloats(12, 8);
    const ints = randomInts(12, 9, 1000);
    const exact = { atol: 0, rtol: 0 };
    for (const [shape, out] of [
      [
        [3, 1, 4],
        [2, 3, 5, 4],
      ],
      [[12], [2, 12]],
      [
        [1, 12, 1],
        [3, 12, 2],
      ],
    ] as [Shape, Shape][]) {
      await agree(gpu, [x], (be, [a]) => be.expand(a!, shape, out), exact);
      await agree(gpu, [ints], (be, [a]) => be.expand(a!, shape, out), { ...exact, dtype: 'int64' });
    }
    for (const [shape, perm] of [
      [
        [3, 4],
        [1, 0],
      ],
      [
        [2, 3, 2],
        [2, 0, 1],
      ],
      [
        [1, 2, 3, 2],
        [3, 1, 0, 2],
      ],
    ] as [Shape, number[]][]) {
      await agree(gpu, [x], (be, [a]) => be.permute(a!, shape, perm), exact);
      await agree(gpu, [ints], (be, [a]) => be.permute(a!, shape, perm), { ...exact, dtype: 'int64' });
    }
  });
});

describe('WebGpuBackend vs CpuBackend: matmul, conv, pooling', () => {
  backendTest('matmul in every layout, batched and shared operands', async (gpu) => {
    for (const transA of [false, true])
      for (const transB of [false, true])
        for (const [batch, aBatched, bBatched] of [
          [1, false, false],
          [3, true, true],
          [3, true, false],
          [2, false, true],
        ] as [number, boolean, boolean][]) {
          const [m, k, n] = [7, 13, 10];
          const a = randomFloats((aBatched ? batch : 1) * m * k, 10);
          const b = randomFloats((bBatched ? batch : 1) * k * n, 11);
          const g = { batch, m, k, n, transA, transB, aBatched, bBatched };
          await agree(gpu, [a, b], (be, [x, y]) => be.matmul(x!, y!, g), { label: JSON.stringify(g) });
        }
  });

  backendTest('conv2d forward and both backwards', async (gpu) => {
    for (const g of [
      {
        n: 2,
        cIn: 3,
        h: 9,
        w: 8,
        cOut: 4,
        kH: 3,
        kW: 3,
        strideH: 1,
        strideW: 1,
        padH: 0,
        padW: 0,
        dilH: 1,
        dilW: 1,
      },
      {
        n: 1,
        cIn: 2,
        h: 10,
        w: 11,
        cOut: 3,
        kH: 3,
        kW: 2,
        strideH: 2,
        strideW: 1,
        padH: 1,
        padW: 2,
        dilH: 2,
        dilW: 1,
      },
    ]) {
      const hOut = Math.floor((g.h + 2 * g.padH - g.dilH * (g.kH - 1) - 1) / g.strideH) + 1;
      const wOut = Math.floor((g.w + 2 * g.padW - g.dilW * (g.kW - 1) - 1) / g.strideW) + 1;
      const x = randomFloats(g.n * g.cIn * g.h * g.w, 12);
      const w = randomFloats(g.cOut * g.cIn * g.kH * g.kW, 13);
      const dy = randomFloats(g.n * g.cOut * hOut * wOut, 14);
      await agree(gpu, [x, w], (be, [a, b]) => be.conv2d(a!, b!, g), { label: 'conv2d' });
      await agree(gpu, [dy, w], (be, [a, b]) => be.conv2dBackwardInput(a!, b!, g), { label: 'dx' });
      await agree(gpu, [x, dy], (be, [a, b]) => be.conv2dBackwardWeight(a!, b!, g), { label: 'dw' });
    }
  });

  backendTest('max and avg pooling with indices and backwards', async (gpu) => {
    const g = {
      n: 2,
      c: 3,
      h: 9,
      w: 8,
      kH: 3,
      kW: 2,
      strideH: 2,
      strideW: 2,
      padH: 1,
      padW: 1,
      dilH: 1,
      dilW: 1,
    };
    const hOut = Math.floor((g.h + 2 * g.padH - (g.kH - 1) - 1) / g.strideH) + 1;
    const wOut = Math.floor((g.w + 2 * g.padW - (g.kW - 1) - 1) / g.strideW) + 1;
    const x = randomFloats(g.n * g.c * g.h * g.w, 15);
    const dy = randomFloats(g.n * g.c * hOut * wOut, 16);
    await agree(gpu, [x], (be, [a]) => be.maxPool2d(a!, g).y, { atol: 0, rtol: 0 });
    const idx = await agree(gpu, [x], (be, [a]) => be.maxPool2d(a!, g).indices, {
      dtype: 'int64',
      atol: 0,
      rtol: 0,
    });
    await agree(gpu, [dy, idx], (be, [a, i]) => be.maxPool2dBackward(a!, i!, g));
    await agree(gpu, [x], (be, [a]) => be.avgPool2d(a!, g));
    await agree(gpu, [dy], (be, [a]) => be.avgPool2dBackward(a!, g));
  });

  backendTest('fused softmax and log_softmax rows, forward and backward', async (gpu) => {
    for (const [rows, cols] of [
      [6, 4],
      [64, 33],
      [5, 1],
    ] as const) {
      const x = randomFloats(rows * cols, 18);
      const dy = randomFloats(rows * cols, 19);
      for (const kind of ['softmax', 'log_softmax'] as const) {
        const y = await agree(gpu, [x], (be, [a]) => be.softmax(kind, a!, rows, cols), { label: kind });
        await agree(gpu, [y, dy], (be, [a, d]) => be.softmaxBackward(kind, a!, d!, rows, cols), {
          label: `${kind} backward`,
        });
      }
    }
  });

  backendTest('bilinear resize, down (the draw pad: 280 to 28) and up', async (gpu) => {
    for (const g of [
      { n: 1, c: 1, h: 280, w: 280, hOut: 28, wOut: 28 },
      { n: 2, c: 3, h: 5, w: 7, hOut: 9, wOut: 4 },
    ]) {
      const x = randomFloats(g.n * g.c * g.h * g.w, 17);
      const y = await agree(gpu, [x], (be, [a]) => be.resizeBilinear(a!, g), { atol: 1e-6, rtol: 1e-5 });
      expect(y.length).toBe(g.n * g.c * g.hOut * g.wOut);
    }
  });
});

describe('WebGpuBackend vs CpuBackend: indexing, randomness, optimizers', () => {
  backendTest('embedding, its scatter-add backward with padding_idx, one-hot', async (gpu) => {
    const [rows, dim, count] = [11, 6, 40];
    const w = randomFloats(rows * dim, 17);
    const idx = randomInts(count, 18, rows);
    const dy = randomFloats(count * dim, 19);
    await agree(gpu, [w, idx], (be, [a, i]) => be.embedding(a!, i!, count, dim), { atol: 0, rtol: 0 });
    for (const pad of [null, 3])
      await agree(gpu, [dy, idx], (be, [a, i]) => be.embeddingBackward(a!, i!, count, rows, dim, pad));
    for (const [targets, ignore] of [
      [Int32Array.of(0, 4, -100, 2, 4, 1), -100],
      [Int32Array.of(0, 4, 3, 2, 4, 1), 4],
    ] as const)
      await agree(gpu, [targets], (be, [t]) => be.oneHot(t!, 6, 5, ignore), { atol: 0, rtol: 0 });
  });

  backendTest('a seeded dropout mask is the same on both backends', async (gpu) => {
    for (const [n, p, seed, offset] of [
      [1001, 0.3, 1234, 0],
      [64, 0.5, 2 ** 40 + 7, 9],
      [17, 1, 5, 0],
      [9, 0, 5, 0],
    ]) {
      const got = await agree(gpu, [], (be) => be.dropoutMask(n!, p!, seed!, offset!), { atol: 0, rtol: 0 });
      if (p === 0.3) {
        const kept = [...got].filter((v) => v !== 0).length / n!;
        expect(kept).toBeGreaterThan(0.62);
        expect(kept).toBeLessThan(0.78);
      }
    }
  });

  backendTest('SGD and Adam steps update in place alike', async (gpu) => {
    const n = 777;
    const param = randomFloats(n, 20);
    const grad = randomFloats(n, 21);
    const state = randomFloats(n, 22, 0, 1);
    const sgd = {
      lr: 0.05,
      momentum: 0.9,
      dampening: 0.1,
      weightDecay: 0.01,
      nesterov: true,
      maximize: false,
    };
    for (const firstStep of [true, false]) {
      await agree(gpu, [param, grad, state], (be, [p, g, b]) => {
        be.sgdStep(p!, g!, b!, n, { ...sgd, firstStep });
        return p!;
      });
    }
    await agree(gpu, [param, grad], (be, [p, g]) => {
      be.sgdStep(p!, g!, null, n, { ...sgd, momentum: 0, nesterov: false, maximize: true, firstStep: true });
      return p!;
    });
    const adam = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, maximize: false };
    const scalars = { stepSize: 0.01 / (1 - 0.9 ** 3), biasCorrection2Sqrt: Math.sqrt(1 - 0.999 ** 3) };
    for (const [decoupled, amsgrad] of [
      [false, false],
      [true, true],
    ]) {
      for (const which of [0, 1, 2, 3]) {
        // param, then exp_avg, exp_avg_sq and max_exp_avg_sq: every buffer updated in place agrees.
        await agree(gpu, [param, grad, state, state, state], (be, [p, g, m, v, mx]) => {
          be.adamStep(p!, g!, m!, v!, amsgrad ? mx! : null, n, {
            ...adam,
            ...scalars,
            decoupled: decoupled!,
          });
          return [p!, m!, v!, amsgrad ? mx! : v!][which]!;
        });
      }
    }
  });
});
