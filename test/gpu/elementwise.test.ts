import { describe } from 'vitest';
import { encodeBinary } from '../../src/gpu/kernels/binary.ts';
import { encodeUnary, encodeUnaryBackward } from '../../src/gpu/kernels/unary.ts';
import { BINARY_OPS, binary } from '../../src/kernels/binary.ts';
import { sizeOf } from '../../src/kernels/broadcast.ts';
import { UNARY_GRAD_OPS, UNARY_OPS, unary, unaryBackward } from '../../src/kernels/unary.ts';
import { expectClose, randomFloats } from './compare.ts';
import { gpuTest } from './harness.ts';
import { output, readFloat32, runStep, upload } from './run.ts';

const POSITIVE_ONLY = new Set(['log', 'sqrt']);

describe('unary kernels vs twins', () => {
  for (const op of UNARY_OPS) {
    gpuTest(`${op} forward, n=1037`, async ({ runtime, device }) => {
      const x = randomFloats(1037, 11, POSITIVE_ONLY.has(op) ? 0.01 : -6, 6);
      const ref = unary(op, x, 0.2);
      const y = output(runtime, x.length);
      await runStep(runtime, (step) =>
        encodeUnary(runtime, step, { op, x: upload(runtime, x), y, n: x.length, alpha: 0.2 }),
      );
      expectClose(await readFloat32(device, y, ref.length), ref, { atol: 2e-6, rtol: 2e-5, label: op });
    });
  }
  for (const op of UNARY_GRAD_OPS) {
    gpuTest(`${op} backward, n=515`, async ({ runtime, device }) => {
      const saved = randomFloats(515, 12, op === 'sqrt' ? 0.05 : -4, 4);
      const dy = randomFloats(515, 13);
      const ref = unaryBackward(op, saved, dy, 0.2);
      const dx = output(runtime, dy.length);
      await runStep(runtime, (step) =>
        encodeUnaryBackward(runtime, step, {
          op,
          saved: upload(runtime, saved),
          dy: upload(runtime, dy),
          dx,
          n: dy.length,
          alpha: 0.2,
        }),
      );
      expectClose(await readFloat32(device, dx, ref.length), ref, {
        atol: 2e-6,
        rtol: 2e-5,
        label: `${op}'`,
      });
    });
  }
});

const SHAPES: [number[], number[]][] = [
  [
    [5, 7],
    [5, 7],
  ],
  [
    [3, 1, 5],
    [4, 1],
  ],
  [[2, 3, 4, 5], [5]],
  [[1], [6, 7]],
  [
    [2, 1, 3, 1, 2],
    [1, 4, 1, 5, 1],
  ],
  [[257], []],
];

describe('binary kernels vs twins (numpy broadcasting)', () => {
  for (const op of BINARY_OPS) {
    gpuTest(`${op} over ${SHAPES.length} shape pairs`, async ({ runtime, device }) => {
      for (const [aShape, bShape] of SHAPES) {
        const a = randomFloats(sizeOf(aShape), 21, op === 'pow' ? 0.1 : -3, 3);
        // Rounded values so comparisons also see equal pairs.
        const b = randomFloats(sizeOf(bShape), 22, -3, 3).map((v) => (op === 'pow' ? Math.round(v) : v));
        if (['eq', 'ne', 'le', 'ge'].includes(op)) a.set(a.map((v) => Math.round(v)));
        if (['eq', 'ne', 'le', 'ge'].includes(op)) b.set(b.map((v) => Math.round(v)));
        const ref = binary(op, a, aShape, b, bShape);
        const out = output(runtime, ref.data.length);
        await runStep(runtime, async (step) => {
          encodeBinary(runtime, step, {
            op,
            a: upload(runtime, a),
            aShape,
            b: upload(runtime, b),
            bShape,
            out,
          });
        });
        const label = `${op} [${aShape}] x [${bShape}]`;
        expectClose(await readFloat32(device, out, ref.data.length), ref.data, {
          atol: 1e-6,
          rtol: 1e-5,
          label,
        });
      }
    });
  }
});
