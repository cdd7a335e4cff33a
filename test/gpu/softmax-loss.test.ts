import { describe, expect } from 'vitest';
import { encodeCrossEntropy } from '../../src/gpu/kernels/cross-entropy.ts';
import { encodeSoftmax, encodeSoftmaxBackward } from '../../src/gpu/kernels/softmax.ts';
import { crossEntropy } from '../../src/kernels/loss.ts';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from '../../src/kernels/softmax.ts';
import { expectClose, randomFloats, randomInts } from './compare.ts';
import { gpuTest } from './harness.ts';
import { output, readFloat32, runStep, upload } from './run.ts';

const SHAPES: [number, number][] = [
  [1, 1],
  [7, 10],
  [65, 3],
  [300, 17],
];

describe('softmax / log_softmax kernels vs twins', () => {
  for (const [rows, cols] of SHAPES) {
    gpuTest(`(${rows}, ${cols}) forward and backward`, async ({ runtime, device }) => {
      const x = randomFloats(rows * cols, 41, -8, 8);
      const dy = randomFloats(rows * cols, 42);
      for (const kind of ['softmax', 'log_softmax'] as const) {
        const refY = kind === 'softmax' ? softmax(x, rows, cols) : logSoftmax(x, rows, cols);
        const refDx =
          kind === 'softmax'
            ? softmaxBackward(refY, dy, rows, cols)
            : logSoftmaxBackward(refY, dy, rows, cols);
        const y = output(runtime, x.length);
        const dx = output(runtime, x.length);
        await runStep(runtime, async (step) => {
          encodeSoftmax(runtime, step, { kind, x: upload(runtime, x), y, rows, cols });
          encodeSoftmaxBackward(runtime, step, { kind, y, dy: upload(runtime, dy), dx, rows, cols });
        });
        expectClose(await readFloat32(device, y, x.length), refY, { atol: 1e-6, rtol: 1e-5, label: kind });
        expectClose(await readFloat32(device, dx, x.length), refDx, {
          atol: 1e-5,
          rtol: 1e-4,
          label: `${kind}'`,
        });
      }
    });
  }
});

describe('cross_entropy kernel vs twin', () => {
  for (const [n, c] of [
    [1, 2],
    [37, 10],
    [513, 7],
  ] as const) {
    gpuTest(`n=${n}, c=${c}, with ignored targets`, async ({ runtime, device }) => {
      const logits = randomFloats(n * c, 51, -5, 5);
      const targets = randomInts(n, 52, c);
      if (n > 2) targets[1] = -100; // ignore_index
      const ref = crossEntropy(logits, targets, n, c);
      const loss = output(runtime, 1);
      const grad = output(runtime, n * c);
      await runStep(runtime, (step) =>
        encodeCrossEntropy(runtime, step, {
          logits: upload(runtime, logits),
          targets: upload(runtime, targets),
          loss,
          grad,
          n,
          c,
        }),
      );
      const [gotLoss] = await readFloat32(device, loss, 1);
      expect(Math.abs(gotLoss! - ref.loss)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(ref.loss));
      expectClose(await readFloat32(device, grad, n * c), ref.grad, {
        atol: 1e-7,
        rtol: 1e-4,
        label: 'grad',
      });
    });
  }
});
