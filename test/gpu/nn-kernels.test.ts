import { describe } from 'vitest';
import { encodeBatchNorm, encodeBatchNormBackward } from '../../src/gpu/kernels/batch-norm.ts';
import { encodeDropout } from '../../src/gpu/kernels/dropout.ts';
import { encodeEmbedding, encodeEmbeddingBackward } from '../../src/gpu/kernels/embedding.ts';
import { encodeLayerNorm, encodeLayerNormBackward } from '../../src/gpu/kernels/layer-norm.ts';
import { batchNormBackward, batchNormEval, batchNormTrain } from '../../src/kernels/batch-norm.ts';
import { dropout } from '../../src/kernels/dropout.ts';
import { embedding, embeddingBackward } from '../../src/kernels/embedding.ts';
import { layerNorm, layerNormBackward } from '../../src/kernels/layer-norm.ts';
import { expectClose, randomFloats, randomInts } from './compare.ts';
import { gpuTest } from './harness.ts';
import { output, readFloat32, runStep, upload } from './run.ts';

describe('dropout kernel: the same Philox bits as the twin', () => {
  for (const [n, p] of [
    [1, 0.5],
    [1031, 0.3],
    [4096, 0.9],
    [17, 0],
    [9, 1],
  ] as const) {
    gpuTest(`n=${n}, p=${p}`, async ({ runtime, device }) => {
      const x = randomFloats(n, 81);
      const options = { p, seed: [0x1234abcd, 0x9e3779b9] as const, offset: 7 };
      const ref = dropout(x, options);
      const y = output(runtime, n);
      const mask = output(runtime, n);
      await runStep(runtime, (step) =>
        encodeDropout(runtime, step, { x: upload(runtime, x), y, mask, n, options }),
      );
      expectClose(await readFloat32(device, mask, n), ref.mask, { atol: 0, rtol: 1e-7, label: 'mask' });
      expectClose(await readFloat32(device, y, n), ref.y, { atol: 0, rtol: 1e-6, label: 'y' });
    });
  }
});

describe('layer_norm kernels vs twins', () => {
  for (const [rows, d] of [
    [1, 1],
    [7, 33],
    [130, 5],
  ] as const) {
    gpuTest(`(${rows}, ${d}) forward and backward`, async ({ runtime, device }) => {
      const x = randomFloats(rows * d, 91, -3, 3);
      const gamma = randomFloats(d, 92, 0.5, 1.5);
      const beta = randomFloats(d, 93);
      const dy = randomFloats(rows * d, 94);
      const ref = layerNorm(x, gamma, beta, rows, d);
      const refB = layerNormBackward(dy, x, gamma, ref.mean, ref.rstd, rows, d);
      const [y, mean, rstd, dx, dgamma, dbeta] = [rows * d, rows, rows, rows * d, d, d].map((n) =>
        output(runtime, n),
      );
      const gx = upload(runtime, x);
      const gg = upload(runtime, gamma);
      await runStep(runtime, async (step) => {
        encodeLayerNorm(runtime, step, {
          x: gx,
          gamma: gg,
          beta: upload(runtime, beta),
          y: y!,
          mean: mean!,
          rstd: rstd!,
          rows,
          d,
        });
        encodeLayerNormBackward(runtime, step, {
          dy: upload(runtime, dy),
          x: gx,
          gamma: gg,
          mean: mean!,
          rstd: rstd!,
          dx: dx!,
          dgamma: dgamma!,
          dbeta: dbeta!,
          rows,
          d,
        });
      });
      const tol = { atol: 1e-5, rtol: 1e-4 };
      expectClose(await readFloat32(device, y!, rows * d), ref.y, { ...tol, label: 'y' });
      expectClose(await readFloat32(device, rstd!, rows), ref.rstd, { ...tol, label: 'rstd' });
      expectClose(await readFloat32(device, dx!, rows * d), refB.dx, { ...tol, label: 'dx' });
      expectClose(await readFloat32(device, dgamma!, d), refB.dgamma, { ...tol, label: 'dgamma' });
      expectClose(await readFloat32(device, dbeta!, d), refB.dbeta, { ...tol, label: 'dbeta' });
    });
  }
});

describe('batch_norm kernels vs twins', () => {
  for (const shape of [
    { n: 4, c: 3, l: 25 },
    { n: 9, c: 5, l: 1 },
    { n: 2, c: 1, l: 7 },
  ]) {
    gpuTest(
      `(n=${shape.n}, c=${shape.c}, l=${shape.l}) train, backward, eval`,
      async ({ runtime, device }) => {
        const { n, c, l } = shape;
        const size = n * c * l;
        const x = randomFloats(size, 101, -2, 3);
        const gamma = randomFloats(c, 102, 0.5, 1.5);
        const beta = randomFloats(c, 103);
        const dy = randomFloats(size, 104);
        const runMean = randomFloats(c, 105);
        const runVar = randomFloats(c, 106, 0.5, 2);
        const gRunMean = upload(runtime, runMean);
        const gRunVar = upload(runtime, runVar);
        const options = { eps: 1e-5, momentum: 0.1 };
        const ref = batchNormTrain(x, gamma, beta, runMean, runVar, shape, options);
        const refB = batchNormBackward(dy, x, gamma, ref.mean, ref.invStd, shape);
        const refEval = batchNormEval(x, gamma, beta, runMean, runVar, shape);
        const [y, mean, invStd, dx, dgamma, dbeta, yEval, evalMean, evalInvStd] = [
          size,
          c,
          c,
          size,
          c,
          c,
          size,
          c,
          c,
        ].map((k) => output(runtime, k));
        const gx = upload(runtime, x);
        const gg = upload(runtime, gamma);
        const gb = upload(runtime, beta);
        const common = {
          x: gx,
          gamma: gg,
          beta: gb,
          runningMean: gRunMean,
          runningVar: gRunVar,
          shape,
          options,
        };
        await runStep(runtime, async (step) => {
          encodeBatchNorm(runtime, step, {
            ...common,
            y: y!,
            mean: mean!,
            invStd: invStd!,
            training: true,
          });
          encodeBatchNormBackward(runtime, step, {
            dy: upload(runtime, dy),
            x: gx,
            gamma: gg,
            mean: mean!,
            invStd: invStd!,
            dx: dx!,
            dgamma: dgamma!,
            dbeta: dbeta!,
            shape,
          });
          // Evaluation after the update reads the updated running stats, as the twin's refEval does.
          encodeBatchNorm(runtime, step, {
            ...common,
            y: yEval!,
            mean: evalMean!,
            invStd: evalInvStd!,
            training: false,
          });
        });
        const tol = { atol: 1e-5, rtol: 1e-4 };
        expectClose(await readFloat32(device, y!, size), ref.y, { ...tol, label: 'y' });
        expectClose(await readFloat32(device, gRunMean, c), runMean, { ...tol, label: 'running_mean' });
        expectClose(await readFloat32(device, gRunVar, c), runVar, {
          ...tol,
          label: 'running_var (unbiased)',
        });
        expectClose(await readFloat32(device, dx!, size), refB.dx, { ...tol, label: 'dx' });
        expectClose(await readFloat32(device, dgamma!, c), refB.dgamma, { ...tol, label: 'dgamma' });
        expectClose(await readFloat32(device, dbeta!, c), refB.dbeta, { ...tol, label: 'dbeta' });
        expectClose(await readFloat32(device, yEval!, size), refEval, { ...tol, label: 'eval y' });
      },
    );
  }
});

describe('embedding kernels vs twins', () => {
  gpuTest('forward gather and backward with repeated indices', async ({ runtime, device }) => {
    const [numEmbeddings, dim, n] = [11, 6, 40];
    const weight = randomFloats(numEmbeddings * dim, 111);
    const indices = randomInts(n, 112, numEmbeddings);
    const dy = randomFloats(n * dim, 113);
    const ref = embedding(weight, indices, numEmbeddings, dim);
    const refB = embeddingBackward(dy, indices, numEmbeddings, dim);
    const out = output(runtime, n * dim);
    const dweight = output(runtime, numEmbeddings * dim);
    const gi = upload(runtime, indices);
    await runStep(runtime, async (step) => {
      encodeEmbedding(runtime, step, {
        weight: upload(runtime, weight),
        indices: gi,
        out,
        n,
        numEmbeddings,
        dim,
      });
      encodeEmbeddingBackward(runtime, step, {
        dy: upload(runtime, dy),
        indices: gi,
        dweight,
        n,
        numEmbeddings,
        dim,
      });
    });
    expectClose(await readFloat32(device, out, n * dim), ref, { atol: 0, rtol: 0, label: 'out' });
    expectClose(await readFloat32(device, dweight, numEmbeddings * dim), refB, {
      atol: 1e-6,
      rtol: 1e-5,
      label: 'dweight',
    });
  });
});
