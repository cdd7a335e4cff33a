import { describe, expect } from 'vitest';
import { encodeReduce } from '../../src/gpu/kernels/reduce.ts';
import { sizeOf } from '../../src/kernels/broadcast.ts';
import { REDUCE_OPS, reduce } from '../../src/kernels/reduce.ts';
import { expectClose, randomFloats } from './compare.ts';
import { gpuTest } from './harness.ts';
import { output, readFloat32, runStep, upload } from './run.ts';

const CASES: { shape: number[]; axes: number[]; keepdim: boolean }[] = [
  { shape: [7, 13], axes: [1], keepdim: false },
  { shape: [7, 13], axes: [0], keepdim: true },
  { shape: [3, 5, 6], axes: [0, 2], keepdim: false },
  { shape: [2, 3, 4, 5], axes: [-1, -2], keepdim: true },
  { shape: [4, 1, 9], axes: [], keepdim: false },
  { shape: [2, 3, 4, 5, 3], axes: [1, 3], keepdim: false },
  { shape: [1031], axes: [0], keepdim: false },
];

describe('reduce kernels vs twins', () => {
  for (const op of REDUCE_OPS) {
    gpuTest(`${op} over ${CASES.length} shapes`, async ({ runtime, device }) => {
      for (const c of CASES) {
        const x = randomFloats(sizeOf(c.shape), 31, -2, 2);
        const ref = reduce(op, x, c.shape, c.axes, c.keepdim);
        const out = output(runtime, ref.data.length);
        let shape: number[] = [];
        await runStep(runtime, async (step) => {
          shape = encodeReduce(runtime, step, {
            op,
            x: upload(runtime, x),
            shape: c.shape,
            axes: c.axes,
            keepdim: c.keepdim,
            out,
          });
        });
        const label = `${op} [${c.shape}] axes [${c.axes}]`;
        expect(shape, label).toEqual(ref.shape);
        expectClose(await readFloat32(device, out, ref.data.length), ref.data, {
          atol: 1e-5,
          rtol: 1e-5,
          label,
        });
      }
    });
  }
});
