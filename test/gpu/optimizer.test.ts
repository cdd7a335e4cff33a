import { describe } from 'vitest';
import { encodeAdam, encodeSgd } from '../../src/gpu/kernels/optimizer.ts';
import { type AdamOptions, type SgdOptions, adamUpdate, sgdUpdate } from '../../src/kernels/optimizer.ts';
import { expectClose, randomFloats } from './compare.ts';
import { gpuTest } from './harness.ts';
import { readFloat32, runStep, upload } from './run.ts';

const N = 1029;
const SGD: SgdOptions = {
  lr: 0.05,
  momentum: 0.9,
  dampening: 0.1,
  weightDecay: 1e-2,
  nesterov: false,
  maximize: false,
  firstStep: true,
};
const ADAM: AdamOptions = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decoupled: false,
  amsgrad: false,
  maximize: false,
  step: 1,
};

describe('fused optimizer kernels vs twins, three steps each', () => {
  const sgdCases: [string, Partial<SgdOptions>][] = [
    ['plain', { momentum: 0, weightDecay: 0, dampening: 0 }],
    ['momentum + dampening + weight decay', {}],
    ['nesterov', { nesterov: true, dampening: 0 }],
    ['maximize', { maximize: true }],
  ];
  for (const [name, over] of sgdCases) {
    gpuTest(`sgd ${name}`, async ({ runtime, device }) => {
      const p = randomFloats(N, 61);
      const m = new Float32Array(N);
      const gParam = upload(runtime, p);
      const gMom = upload(runtime, m);
      for (let s = 0; s < 3; s++) {
        const grad = randomFloats(N, 62 + s);
        const options = { ...SGD, ...over, firstStep: s === 0 };
        sgdUpdate(p, grad, m, options);
        await runStep(runtime, (step) =>
          encodeSgd(runtime, step, {
            grad: upload(runtime, grad),
            param: gParam,
            momentumBuffer: gMom,
            n: N,
            options,
          }),
        );
      }
      expectClose(await readFloat32(device, gParam, N), p, { atol: 1e-6, rtol: 1e-5, label: 'param' });
      if ((over.momentum ?? SGD.momentum) !== 0)
        expectClose(await readFloat32(device, gMom, N), m, { atol: 1e-6, rtol: 1e-5, label: 'momentum' });
    });
  }
  const adamCases: [string, Partial<AdamOptions>][] = [
    ['adam', {}],
    ['adam + L2 weight decay', { weightDecay: 0.1 }],
    ['adamw', { weightDecay: 0.01, decoupled: true }],
    ['adamw amsgrad', { weightDecay: 0.01, decoupled: true, amsgrad: true }],
    ['adam maximize', { maximize: true }],
  ];
  for (const [name, over] of adamCases) {
    gpuTest(name, async ({ runtime, device }) => {
      const p = randomFloats(N, 71);
      const m = new Float32Array(N);
      const v = new Float32Array(N);
      const vmax = new Float32Array(N);
      const bufs = [p, m, v, vmax].map((a) => upload(runtime, a));
      for (let s = 1; s <= 3; s++) {
        const grad = randomFloats(N, 72 + s);
        const options = { ...ADAM, ...over, step: s };
        adamUpdate(p, grad, m, v, options.amsgrad ? vmax : null, options);
        await runStep(runtime, (step) =>
          encodeAdam(runtime, step, {
            grad: upload(runtime, grad),
            param: bufs[0]!,
            expAvg: bufs[1]!,
            expAvgSq: bufs[2]!,
            maxExpAvgSq: options.amsgrad ? bufs[3]! : null,
            n: N,
            options,
          }),
        );
      }
      expectClose(await readFloat32(device, bufs[0]!, N), p, { atol: 1e-6, rtol: 1e-5, label: 'param' });
      expectClose(await readFloat32(device, bufs[1]!, N), m, { atol: 1e-7, rtol: 1e-5, label: 'exp_avg' });
      expectClose(await readFloat32(device, bufs[2]!, N), v, { atol: 1e-9, rtol: 1e-5, label: 'exp_avg_sq' });
    });
  }
});
