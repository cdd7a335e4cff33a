/** shaders/im2col.wgsl against its twins (src/kernels/im2col.ts) at odd shapes: padding, stride, dilation. */
import { describe } from 'vitest';
import { encodeCol2im, encodeUnfoldCols, encodeUnfoldRows } from '../../src/gpu/kernels/im2col.ts';
import { conv2dShape } from '../../src/kernels/conv2d.ts';
import { col2im, im2colSizes, unfoldCols, unfoldRows } from '../../src/kernels/im2col.ts';
import { expectClose, randomFloats } from './compare.ts';
import { gpuTest } from './harness.ts';
import { output, readFloat32, runStep, upload } from './run.ts';

const SHAPES = [
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
    n: 3,
    cIn: 1,
    h: 8,
    w: 9,
    cOut: 2,
    kH: 2,
    kW: 3,
    strideH: 2,
    padH: 2,
    padW: 1,
    dilH: 2,
    dilW: 2,
  }),
  conv2dShape({ n: 1, cIn: 5, h: 5, w: 3, cOut: 6, kH: 1, kW: 1 }),
];

describe('im2col kernels vs twins', () => {
  for (const s of SHAPES) {
    gpuTest(JSON.stringify(s), async ({ runtime, device }) => {
      const { K, P } = im2colSizes(s);
      const x = randomFloats(s.n * s.cIn * s.h * s.w, 211);
      const dcols = randomFloats(s.n * K * P, 212);
      const refCols = unfoldCols(x, s);
      const refRows = unfoldRows(x, s);
      const refDx = col2im(dcols, s);
      // Filled with garbage first: the kernels must write the zero padding themselves.
      const cols = upload(runtime, randomFloats(refCols.length, 213));
      const rows = upload(runtime, randomFloats(refRows.length, 214));
      const dx = output(runtime, x.length);
      const gx = upload(runtime, x);
      await runStep(runtime, (step) => {
        encodeUnfoldCols(runtime, step, { x: gx, cols, shape: s });
        encodeUnfoldRows(runtime, step, { x: gx, rows, shape: s });
        encodeCol2im(runtime, step, { dcols: upload(runtime, dcols), dx, shape: s });
      });
      const exact = { atol: 0, rtol: 0 };
      expectClose(await readFloat32(device, cols, refCols.length), refCols, { ...exact, label: 'cols' });
      expectClose(await readFloat32(device, rows, refRows.length), refRows, { ...exact, label: 'rows' });
      expectClose(await readFloat32(device, dx, x.length), refDx, { atol: 1e-5, rtol: 1e-5, label: 'dx' });
    });
  }
});
