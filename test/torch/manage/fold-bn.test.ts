/**
 * `pthlab fold-bn` against torch 2.6: the folded weights and biases equal `fuse_conv_bn_eval` /
 * `fuse_linear_bn_eval`'s bit for bit, OUT's arch has no folded BatchNorm left and loads its state_dict
 * strictly, and its outputs equal the original model's in eval mode (to float32 rounding). A BatchNorm that
 * does not follow its layer, or keeps no running statistics, stays.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ModuleSpec } from '../../../src/nn/index.ts';
import { pthlabOk } from '../train/helpers.ts';
import { reference, scratch } from './helpers.ts';

const cases: Record<string, { spec: ModuleSpec; input: number[]; types: string[] }> = {
  cnn: {
    input: [4, 2, 6, 6],
    spec: {
      type: 'Sequential',
      layers: [
        { type: 'Conv2d', in_channels: 2, out_channels: 3, kernel_size: 3, padding: 1 },
        { type: 'BatchNorm2d', num_features: 3 },
        { type: 'ReLU' },
        { type: 'Conv2d', in_channels: 3, out_channels: 4, kernel_size: 3, stride: 2, bias: false },
        { type: 'BatchNorm2d', num_features: 4, eps: 0.001 },
        { type: 'ReLU' }, // (4, 4, 2, 2)
        { type: 'Flatten' },
        { type: 'Linear', in_features: 16, out_features: 6 },
        { type: 'BatchNorm1d', num_features: 6 },
        { type: 'Linear', in_features: 6, out_features: 3 },
      ],
    },
    types: ['Conv2d', 'ReLU', 'Conv2d', 'ReLU', 'Flatten', 'Linear', 'Linear'],
  },
  mlp: {
    input: [8, 5],
    spec: {
      type: 'Sequential',
      layers: [
        { type: 'Linear', in_features: 5, out_features: 7, bias: false },
        { type: 'BatchNorm1d', num_features: 7 },
        { type: 'ReLU' },
        { type: 'BatchNorm1d', num_features: 7 }, // after a ReLU: stays
        { type: 'Linear', in_features: 7, out_features: 4 },
        { type: 'BatchNorm1d', num_features: 4, track_running_stats: false }, // batch statistics: stays
      ],
    },
    types: ['Linear', 'ReLU', 'BatchNorm1d', 'Linear', 'BatchNorm1d'],
  },
};

interface Checked {
  types: string[];
  missing: string[];
  unexpected: string[];
  out_diff: number;
  folds: { at: [number, number]; weight: boolean; bias: boolean; max: number }[];
}

const dir = scratch('2.6');
const results: Record<string, Checked> = {};
const stderr: Record<string, string> = {};
const names = Object.keys(cases);
const io = (name: string) => ({
  ...cases[name],
  state: dir.py(`${name}.sd.pth`),
  out: dir.py(`${name}.fold.pth`),
});

beforeAll(async () => {
  await reference('2.6', 'fold_bn.py', { make: Object.fromEntries(names.map((n) => [n, io(n)])) });
  for (const name of names) {
    const arch = dir.json(`${name}.arch.json`, cases[name]?.spec);
    const args = [dir.host(`${name}.sd.pth`), dir.host(`${name}.fold.pth`), '--arch', arch];
    stderr[name] = (await pthlabOk(['fold-bn', ...args])).stderr;
  }
  Object.assign(
    results,
    await reference('2.6', 'fold_bn.py', { check: Object.fromEntries(names.map((n) => [n, io(n)])) }),
  );
});
afterAll(() => dir.cleanup());

it.each(names)('%s: folds as torch does, and computes what the original computes in eval mode', (name) => {
  const r = results[name] as Checked;
  expect(r.types).toEqual(cases[name]?.types);
  expect(r.missing).toEqual([]);
  expect(r.unexpected).toEqual([]);
  expect(r.folds.length).toBe(name === 'cnn' ? 3 : 1);
  for (const fold of r.folds)
    expect(fold, `layer ${fold.at[0]}`).toMatchObject({ weight: true, bias: true, max: 0 });
  expect(r.out_diff).toBeLessThan(1e-4);
});

it('says which BatchNorm stays unfolded and why', () => {
  expect(stderr['mlp']).toContain('layer 5 (BatchNorm1d) keeps no running statistics');
  expect(stderr['cnn']).toContain('folded 3 BatchNorm layer(s) (layers 0+1, 3+4, 7+8)');
});
