/**
 * `pthlab align` and `pthlab fuse --align` against torch 2.6. Two MLPs trained from different seeds on the
 * same task: the aligned B computes B's function (to float32 summation order) and loads strictly, the loss
 * barrier along A -> aligned B is at most half the one along A -> B, and the average of A and the aligned B
 * (`fuse --align`) has the loss torch measures at the midpoint of that line. A CNN with BatchNorm and Flatten
 * aligned to another keeps its function too.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ModuleSpec } from '../../../src/nn/index.ts';
import { pthlabOk } from '../train/helpers.ts';
import { reference, scratch } from './helpers.ts';

const mlp: ModuleSpec = {
  type: 'Sequential',
  layers: [
    { type: 'Linear', in_features: 8, out_features: 32 },
    { type: 'ReLU' },
    { type: 'Linear', in_features: 32, out_features: 32 },
    { type: 'ReLU' },
    { type: 'Linear', in_features: 32, out_features: 4 },
  ],
};

const cnn: ModuleSpec = {
  type: 'Sequential',
  layers: [
    { type: 'Conv2d', in_channels: 2, out_channels: 6, kernel_size: 3, padding: 1 },
    { type: 'BatchNorm2d', num_features: 6 },
    { type: 'ReLU' },
    { type: 'MaxPool2d', kernel_size: 2 }, // (B, 6, 2, 2)
    { type: 'Conv2d', in_channels: 6, out_channels: 5, kernel_size: 1 },
    { type: 'ReLU' },
    { type: 'Flatten' }, // (B, 20)
    { type: 'Linear', in_features: 20, out_features: 7 },
    { type: 'BatchNorm1d', num_features: 7 },
    { type: 'LeakyReLU' },
    { type: 'Linear', in_features: 7, out_features: 3 },
  ],
};

interface Curve {
  loss: number[];
  accuracy: number[];
  barrier: number;
}

interface Checked {
  strict: string;
  out_diff: number;
  out_scale: number;
  moved: boolean;
  before?: Curve;
  after?: Curve;
  fused_loss?: number;
}

const dir = scratch('2.6');
const results: Record<string, Checked> = {};
let alignLines = '';
const task = { features: 8, classes: 4 };
const cnnCase = (name: string, seed: number) => ({
  spec: cnn,
  input: [4, 2, 4, 4],
  seed,
  state: dir.py(name),
});

beforeAll(async () => {
  await reference('2.6', 'align.py', {
    train: { ...task, spec: mlp, steps: 150, a: dir.py('a.pth'), b: dir.py('b.pth') },
  });
  await reference('2.6', 'align.py', { make: { a: cnnCase('ca.pth', 1), b: cnnCase('cb.pth', 2) } });
  const mlpArch = dir.json('mlp.json', mlp);
  const cnnArch = dir.json('cnn.json', cnn);
  alignLines = (
    await pthlabOk(['align', dir.host('a.pth'), dir.host('b.pth'), dir.host('ab.pth'), '--arch', mlpArch])
  ).stderr;
  await pthlabOk([
    'fuse',
    dir.host('a.pth'),
    dir.host('b.pth'),
    '--align',
    '--arch',
    mlpArch,
    '--out',
    dir.host('f.pth'),
  ]);
  await pthlabOk(['align', dir.host('ca.pth'), dir.host('cb.pth'), dir.host('cab.pth'), '--arch', cnnArch]);
  const check = {
    mlp: {
      ...task,
      spec: mlp,
      a: dir.py('a.pth'),
      b: dir.py('b.pth'),
      aligned: dir.py('ab.pth'),
      fused: dir.py('f.pth'),
    },
    cnn: {
      spec: cnn,
      input: [4, 2, 4, 4],
      a: dir.py('ca.pth'),
      b: dir.py('cb.pth'),
      aligned: dir.py('cab.pth'),
    },
  };
  Object.assign(results, await reference('2.6', 'align.py', { check }));
});
afterAll(() => dir.cleanup());

it.each(['mlp', 'cnn'])('%s: the aligned B loads strictly and computes what B computes', (name) => {
  const r = results[name] as Checked;
  expect(r.strict).toBe('ok');
  expect(r.moved).toBe(true); // some unit did move
  expect(r.out_diff).toBeLessThanOrEqual(1e-5 * Math.max(1, r.out_scale));
});

it('lowers the loss barrier between two independently trained MLPs by at least half', () => {
  const r = results['mlp'] as Checked;
  const before = r.before as Curve;
  const after = r.after as Curve;
  console.log(`loss barrier A -> B ${before.barrier.toFixed(4)}, A -> aligned B ${after.barrier.toFixed(4)}`);
  expect(before.loss[0]).toBeCloseTo(after.loss[0] as number, 6); // the same A
  expect(before.loss.at(-1)).toBeCloseTo(after.loss.at(-1) as number, 4); // the same function at the end
  expect(before.barrier).toBeGreaterThan(0.1);
  expect(after.barrier).toBeLessThanOrEqual(before.barrier / 2);
  expect(alignLines).toMatch(/aligned B to A over 2 hidden layer\(s\) of 32, 32 units/);
});

it('fuse --align averages A with the aligned B: the midpoint of the aligned line', () => {
  const r = results['mlp'] as Checked;
  const mid = (r.after as Curve).loss[10] as number;
  expect(Math.abs((r.fused_loss as number) - mid)).toBeLessThanOrEqual(1e-5 * Math.max(1, mid));
  expect(r.fused_loss as number).toBeLessThan((r.before as Curve).loss[10] as number);
});
