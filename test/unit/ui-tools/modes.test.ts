/**
 * compareModes: a model with BatchNorm and Dropout gives different outputs in training and eval mode, the
 * eval ones those of the model built for inference, and the state_dict's running statistics do not move; a
 * model without them agrees in both modes.
 */
import { expect, it } from 'vitest';
import type { StoredTensor } from '../../../src/checkpoint/index.ts';
import { type ModuleSpec, buildModule, toPyStateDict } from '../../../src/nn/index.ts';
import { Generator, cpu, fromHost, noGrad } from '../../../src/tensor/index.ts';
import { modelFor } from '../../../src/ui/fusion/line.ts';
import { compareModes } from '../../../src/ui/mode-compare/modes.ts';

const first = { type: 'Linear', in_features: 3, out_features: 4 };
const withNorm: ModuleSpec = {
  type: 'Sequential',
  layers: [
    first,
    { type: 'BatchNorm1d', num_features: 4 },
    { type: 'Dropout', p: 0.5 },
    { type: 'Linear', in_features: 4, out_features: 2 },
  ],
};
const plain: ModuleSpec = {
  type: 'Sequential',
  layers: [{ type: 'Linear', in_features: 3, out_features: 4 }, { type: 'ReLU' }],
};

const x = fromHost(
  Float32Array.from({ length: 18 }, (_, i) => Math.sin(i)),
  [6, 3],
  { backend: cpu },
);
const bytes = (t: unknown) => Array.from((t as StoredTensor).contiguousBytes());

it('BatchNorm and Dropout: the modes differ, eval is the inference model, running stats stay', async () => {
  const state = await toPyStateDict(buildModule(withNorm, { backend: cpu, generator: new Generator(3) }));
  const before = bytes(state.get('1.running_mean'));
  const c = await compareModes(withNorm, state, x);
  expect([c.rows, c.width]).toEqual([6, 2]);
  expect(c.maxDifference).toBeGreaterThan(0);
  const expected = await noGrad(() => modelFor(withNorm, state).forward(x)).data();
  expect(Array.from(c.eval)).toEqual(Array.from(expected));
  expect(bytes(state.get('1.running_mean'))).toEqual(before);
});

it('no BatchNorm or Dropout: both modes agree exactly', async () => {
  const state = await toPyStateDict(buildModule(plain, { backend: cpu, generator: new Generator(3) }));
  const c = await compareModes(plain, state, x);
  expect(c.maxDifference).toBe(0);
  expect(Array.from(c.train)).toEqual(Array.from(c.eval));
});
