import { describe } from 'vitest';
import {
  encodeConv2d,
  encodeConv2dBackwardInput,
  encodeConv2dBackwardWeight,
} from '../../src/gpu/kernels/conv2d.ts';
import {
  encodeAvgPool2d,
  encodeAvgPool2dBackward,
  encodeMaxPool2d,
  encodeMaxPool2dBackward,
} from '../../src/gpu/kernels/pool2d.ts';
import { encodeResizeBilinear, encodeResizeBilinearBackward } from '../../src/gpu/kernels/resize.ts';
import { readInt32 } from '../../src/gpu/readback.ts';
import {
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dOutSize,
  conv2dShape,
} from '../../src/kernels/conv2d.ts';
import {
  avgPool2d,
  avgPool2dBackward,
  maxPool2d,
  maxPool2dBackward,
  pool2dOutSize,
  pool2dShape,
} from '../../src/kernels/pool2d.ts';
import { resizeBilinear, resizeBilinearBackward } from '../../src/kernels/resize.ts';
import { expectClose, randomFloats } from './compare.ts';
import { gpuTest } from './harness.ts';
import { output, readFloat32, runStep, upload } from './run.ts';

const CONVS = [
  conv2dShape({ n: 2, cIn: 3, h: 9, w: 7, cOut: 4, kH: 3, kW: 3 }),
  conv2dShape({
    n: 1,
    cIn: 2,
    h: 11,
    w: 10,
    cOut: 3,
    kH: 3,
    kW: 2,
    strideH: 2,
    strideW: 3,
    padH: 1,
    padW: 2,
  }),
  conv2dShape({
    n: 2,
    cIn: 1,
    h: 8,
    w: 9,
    cOut: 2,
    kH: 2,
    kW: 3,
    padH: 2,
    padW: 1,
    dilH: 2,
    dilW: 2,
    strideH: 2,
  }),
  conv2dShape({ n: 1, cIn: 5, h: 4, w: 4, cOut: 6, kH: 1, kW: 1 }),
];

describe('conv2d kernels vs twins', () => {
  for (const s of CONVS) {
    const name = `${JSON.stringify(s)}`;
    gpuTest(name, async ({ runtime, device }) => {
      const { hOut, wOut } = conv2dOutSize(s);
      const x = randomFloats(s.n * s.cIn * s.h * s.w, 121);
      const weight = randomFloats(s.cOut * s.cIn * s.kH * s.kW, 122);
      const bias = randomFloats(s.cOut, 123);
      const dy = randomFloats(s.n * s.cOut * hOut * wOut, 124);
      const ref = conv2d(x, weight, bias, s);
      const refDx = conv2dBackwardInput(dy, weight, s);
      const refDw = conv2dBackwardWeight(x, dy, s);
      const y = output(runtime, ref.length);
      const dx = output(runtime, x.length);
      const dw = output(runtime, weight.length);
      const gx = upload(runtime, x);
      const gw = upload(runtime, weight);
      const gdy = upload(runtime, dy);
      await runStep(runtime, async (step) => {
        encodeConv2d(runtime, step, { x: gx, weight: gw, bias: upload(runtime, bias), y, shape: s });
        encodeConv2dBackwardInput(runtime, step, { dy: gdy, weight: gw, dx, shape: s });
        encodeConv2dBackwardWeight(runtime, step, { x: gx, dy: gdy, dweight: dw, shape: s });
      });
      const tol = { atol: 1e-5, rtol: 1e-4 };
      expectClose(await readFloat32(device, y, ref.length), ref, { ...tol, label: 'y' });
      expectClose(await readFloat32(device, dx, x.length), refDx, { ...tol, label: 'dx' });
      expectClose(await readFloat32(device, dw, weight.length), refDw, { ...tol, label: 'dweight' });
    });
  }
  gpuTest('without bias', async ({ runtime, device }) => {
    const s = CONVS[0]!;
    const x = randomFloats(s.n * s.cIn * s.h * s.w, 125);
    const weight = randomFloats(s.cOut * s.cIn * s.kH * s.kW, 126);
    const ref = conv2d(x, weight, null, s);
    const y = output(runtime, ref.length);
    await runStep(runtime, (step) =>
      encodeConv2d(runtime, step, {
        x: upload(runtime, x),
        weight: upload(runtime, weight),
        bias: null,
        y,
        shape: s,
      }),
    );
    expectClose(await readFloat32(device, y, ref.length), ref, { atol: 1e-5, rtol: 1e-4 });
  });
});

const POOLS = [
  pool2dShape({ n: 2, c: 3, h: 8, w: 8, kH: 2, kW: 2 }),
  pool2dShape({ n: 1, c: 2, h: 9, w: 7, kH: 3, kW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1 }),
  pool2dShape({
    n: 1,
    c: 1,
    h: 10,
    w: 11,
    kH: 3,
    kW: 2,
    strideH: 1,
    strideW: 2,
    padH: 1,
    padW: 0,
    dilH: 2,
    dilW: 1,
  }),
];

describe('pool2d kernels vs twins', () => {
  for (const s of POOLS) {
    gpuTest(`max ${JSON.stringify(s)}`, async ({ runtime, device }) => {
      const { hOut, wOut } = pool2dOutSize(s);
      const x = randomFloats(s.n * s.c * s.h * s.w, 131);
      const dy = randomFloats(s.n * s.c * hOut * wOut, 132);
      const ref = maxPool2d(x, s);
      const refDx = maxPool2dBackward(dy, ref.indices, s);
      const [y, indices, dx] = [ref.y.length, ref.y.length, x.length].map((k) => output(runtime, k));
      await runStep(runtime, async (step) => {
        encodeMaxPool2d(runtime, step, { x: upload(runtime, x), y: y!, indices: indices!, shape: s });
        encodeMaxPool2dBackward(runtime, step, {
          dy: upload(runtime, dy),
          indices: indices!,
          dx: dx!,
          shape: s,
        });
      });
      expectClose(await readFloat32(device, y!, ref.y.length), ref.y, { atol: 0, rtol: 0, label: 'y' });
      expectClose(await readInt32(device, indices!, ref.y.length), ref.indices, {
        atol: 0,
        rtol: 0,
        label: 'indices',
      });
      expectClose(await readFloat32(device, dx!, x.length), refDx, { atol: 1e-6, rtol: 1e-5, label: 'dx' });
    });
    if (s.dilH !== 1) continue;
    gpuTest(`avg ${JSON.stringify(s)}`, async ({ runtime, device }) => {
      const { hOut, wOut } = pool2dOutSize(s);
      const x = randomFloats(s.n * s.c * s.h * s.w, 133);
      const dy = randomFloats(s.n * s.c * hOut * wOut, 134);
      const ref = avgPool2d(x, s);
      const refDx = avgPool2dBackward(dy, s);
      const y = output(runtime, ref.length);
      const dx = output(runtime, x.length);
      await runStep(runtime, async (step) => {
        encodeAvgPool2d(runtime, step, { x: upload(runtime, x), y, shape: s });
        encodeAvgPool2dBackward(runtime, step, { dy: upload(runtime, dy), dx, shape: s });
      });
      expectClose(await readFloat32(device, y, ref.length), ref, { atol: 1e-6, rtol: 1e-5, label: 'y' });
      expectClose(await readFloat32(device, dx, x.length), refDx, { atol: 1e-6, rtol: 1e-5, label: 'dx' });
    });
  }
});

describe('bilinear resize kernels vs twins', () => {
  for (const s of [
    { n: 1, c: 2, h: 4, w: 5, hOut: 8, wOut: 10 },
    { n: 2, c: 1, h: 9, w: 7, hOut: 4, wOut: 3 },
    { n: 1, c: 1, h: 5, w: 6, hOut: 7, wOut: 13 },
    { n: 1, c: 1, h: 1, w: 3, hOut: 2, wOut: 3 },
  ]) {
    gpuTest(`${s.h}x${s.w} -> ${s.hOut}x${s.wOut}`, async ({ runtime, device }) => {
      const x = randomFloats(s.n * s.c * s.h * s.w, 141);
      const dy = randomFloats(s.n * s.c * s.hOut * s.wOut, 142);
      const ref = resizeBilinear(x, s);
      const refDx = resizeBilinearBackward(dy, s);
      const y = output(runtime, ref.length);
      const dx = output(runtime, x.length);
      await runStep(runtime, async (step) => {
        encodeResizeBilinear(runtime, step, { x: upload(runtime, x), y, shape: s });
        encodeResizeBilinearBackward(runtime, step, { dy: upload(runtime, dy), dx, shape: s });
      });
      expectClose(await readFloat32(device, y, ref.length), ref, { atol: 1e-6, rtol: 1e-5, label: 'y' });
      expectClose(await readFloat32(device, dx, x.length), refDx, { atol: 1e-5, rtol: 1e-4, label: 'dx' });
    });
  }
});
