/**
 * A sandbox's run state handed to another sandbox of the same setup (the sandbox page and its training worker):
 * the one that adopts it continues bit for bit as the first would have, Adam's moments and a BatchNorm's
 * running statistics included, and a holder of the adopting sandbox sees the same model and optimizer objects.
 */
import { describe, expect, it } from 'vitest';
import { Sandbox } from '../../../src/train/sandbox.ts';
import {
  adoptRunState,
  adoptWeights,
  encodeRunState,
  encodeWeights,
} from '../../../src/train/sandbox-state.ts';
import { type Setup, defaultSetup } from '../../../src/train/setup.ts';

const setup: Setup = {
  ...defaultSetup,
  dataset: 'moons',
  optim: 'adam',
  lr: 0.01,
  batch: 16,
  arch: {
    type: 'Sequential',
    layers: [
      { type: 'Linear', in_features: 2, out_features: 8 },
      { type: 'BatchNorm1d', num_features: 8 },
      { type: 'ReLU' },
      { type: 'Linear', in_features: 8, out_features: 2 },
    ],
  },
};

async function weightsOf(sandbox: Sandbox): Promise<number[][]> {
  return Promise.all([...sandbox.model.stateDict().values()].map(async (t) => Array.from(await t.data())));
}

async function steps(sandbox: Sandbox, n: number): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < n; i++) losses.push((await sandbox.trainStep()).loss);
  return losses;
}

describe('a run state handed between sandboxes', () => {
  it('continues exactly where the other left off', async () => {
    const straight = await Sandbox.create(setup);
    const first = await Sandbox.create(setup);
    await steps(straight, 7);
    await steps(first, 7);
    const second = await Sandbox.create(setup);
    const { model, optimizer } = second;
    adoptRunState(second, await encodeRunState(first));
    expect(second.model).toBe(model);
    expect(second.optimizer).toBe(optimizer);
    expect([second.step, second.trainer.lastLoss]).toEqual([7, first.trainer.lastLoss]);
    expect(second.optimizer.state.size).toBe(first.optimizer.state.size);
    expect(await steps(second, 5)).toEqual(await steps(straight, 5));
    expect(await weightsOf(second)).toEqual(await weightsOf(straight));
  });

  it('takes weights alone, keeping its optimizer state and step', async () => {
    const trained = await Sandbox.create(setup);
    await steps(trained, 3);
    const other = await Sandbox.create(setup);
    await steps(other, 2);
    const moments = other.optimizer.state.size;
    adoptWeights(other, await encodeWeights(trained));
    expect(await weightsOf(other)).toEqual(await weightsOf(trained));
    expect([other.step, other.optimizer.state.size]).toEqual([2, moments]);
  });
});
