/**
 * `pthlab prune` against torch 2.6's torch.nn.utils.prune: the masks and `weight_orig` equal
 * `l1_unstructured`'s per layer (and `global_unstructured`'s with `--global`), with `--method taylor` theirs
 * given importance_scores |grad·w| computed by torch, keys in torch's order, and a
 * module prepared with `prune.identity` loads the file strictly; with `--remove` the plain weights equal
 * those after `prune.remove` and load into a plain module. Fractions and counts as torch reads them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ModuleSpec } from '../../../src/nn/index.ts';
import { pthlab, pthlabOk } from '../train/helpers.ts';
import { reference, scratch } from './helpers.ts';

const cnn: ModuleSpec = {
  type: 'Sequential',
  layers: [
    { type: 'Conv2d', in_channels: 2, out_channels: 3, kernel_size: 3, padding: 1 },
    { type: 'BatchNorm2d', num_features: 3 },
    { type: 'ReLU' },
    { type: 'Flatten' },
    { type: 'Linear', in_features: 48, out_features: 5, bias: false },
    { type: 'ReLU' },
    { type: 'Linear', in_features: 5, out_features: 3 },
  ],
};

interface Case {
  amount: string;
  count?: boolean;
  global?: boolean;
  remove?: boolean;
  method?: 'taylor';
}

// 0.35 of 54, 240 and 15 rounds 18.9, 84 and 5.25; 0.5 of 15 rounds 7.5 half to even.
const cases: Record<string, Case> = {
  layerwise: { amount: '0.35' },
  half: { amount: '0.5' },
  global: { amount: '0.6', global: true },
  count: { amount: '7', count: true },
  remove: { amount: '0.35', remove: true },
  globalRemove: { amount: '0.6', global: true, remove: true },
  taylor: { amount: '0.35', method: 'taylor' },
  taylorGlobal: { amount: '0.6', global: true, method: 'taylor' },
};

interface Checked {
  ours: string[];
  theirs: string[];
  unequal: string[];
  strict: string;
  zeros: number;
}

const dir = scratch('2.6');
const names = Object.keys(cases);
const results: Record<string, Checked> = {};
const base = { spec: cnn, input: [4, 2, 4, 4], state: dir.py('sd.pth'), data: dir.py('data.safetensors') };

beforeAll(async () => {
  await reference('2.6', 'prune.py', {
    make: { cnn: base },
    data: base.data,
    data_shape: [16, 2, 4, 4],
    classes: 3,
  });
  const arch = dir.json('arch.json', cnn);
  for (const name of names) {
    const c = cases[name] as Case;
    const flags = [...(c.global === true ? ['--global'] : []), ...(c.remove === true ? ['--remove'] : [])];
    const args = [
      dir.host('sd.pth'),
      dir.host(`${name}.pth`),
      '--arch',
      arch,
      '--method',
      ...(c.method === 'taylor' ? ['taylor', '--data', dir.host('data.safetensors')] : ['l1']),
      '--amount',
      c.amount,
    ];
    await pthlabOk(['prune', ...args, ...flags]);
  }
  const check = names.map((n) => [n, { ...base, ...cases[n], out: dir.py(`${n}.pth`) }]);
  Object.assign(results, await reference('2.6', 'prune.py', { check: Object.fromEntries(check) }));
});
afterAll(() => dir.cleanup());

it.each(names)('%s: the same masks and weights as torch, loaded strictly', (name) => {
  const r = results[name] as Checked;
  expect(r.unequal).toEqual([]);
  expect(r.ours).toEqual(r.theirs);
  expect(r.strict).toBe('ok');
  expect(r.zeros).toBeGreaterThan(0);
  if (cases[name]?.remove !== true) expect(r.ours).toContain('4.weight_mask');
  else expect(r.ours).toContain('4.weight');
});

it('refuses an amount torch refuses, and a missing method', async () => {
  const arch = dir.json('arch2.json', cnn);
  const tooMany = await pthlab([
    'prune',
    dir.host('sd.pth'),
    dir.host('x.pth'),
    '--arch',
    arch,
    '--method',
    'l1',
    '--amount',
    '100',
  ]);
  expect(tooMany.code).toBe(1);
  expect(tooMany.stderr).toContain('amount=100 should be smaller than the number of parameters to prune=54');
  const noMethod = await pthlab([
    'prune',
    dir.host('sd.pth'),
    dir.host('x.pth'),
    '--arch',
    arch,
    '--amount',
    '0.5',
  ]);
  expect(noMethod.code).toBe(2);
  expect(noMethod.stderr).toContain('--method l1|taylor is required');
});
