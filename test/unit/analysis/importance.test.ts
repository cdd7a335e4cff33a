/**
 * Importance scores on numbers worked by hand: magnitude |w|, taylor |g·w|, snip |g·w| normalized over the
 * whole network; units are the rows of a weight; taylor and snip refuse a parameter without its gradient.
 */
import { expect, it } from 'vitest';
import { AnalysisError, parameterImportance } from '../../../src/analysis/index.ts';

const weights = new Map([
  ['0.weight', { values: [1, -2, 3, -4, 0, 6], shape: [2, 3] }],
  ['0.bias', { values: [-1, 1], shape: [2] }],
]);
const gradients = new Map([
  ['0.weight', [0.5, 0.5, -1, 1, 7, 0]],
  ['0.bias', [2, -3]],
]);

it('magnitude: |w| per element, summed per output row', () => {
  const [w, b] = parameterImportance('magnitude', weights);
  expect([...(w?.elements ?? [])]).toEqual([1, 2, 3, 4, 0, 6]);
  expect([...(w?.units ?? [])]).toEqual([6, 10]);
  expect([...(b?.units ?? [])]).toEqual([1, 1]);
});

it('taylor: |g·w|; snip: the same normalized to sum 1 over every parameter', () => {
  const taylor = parameterImportance('taylor', weights, gradients);
  expect([...(taylor[0]?.elements ?? [])]).toEqual([0.5, 1, 3, 4, 0, 0]);
  expect([...(taylor[1]?.elements ?? [])]).toEqual([2, 3]);
  const snip = parameterImportance('snip', weights, gradients);
  const total = 0.5 + 1 + 3 + 4 + 2 + 3;
  expect(snip[0]?.total).toBeCloseTo(8.5 / total, 12);
  expect((snip[0]?.total ?? 0) + (snip[1]?.total ?? 0)).toBeCloseTo(1, 12);
});

it('refuses taylor without a gradient, or with one of another size', () => {
  expect(() => parameterImportance('taylor', weights)).toThrow(AnalysisError);
  const short = new Map([...gradients, ['0.bias', [1]]]);
  expect(() => parameterImportance('snip', weights, short)).toThrow(/0\.bias has 2 elements but 1 gradients/);
});
