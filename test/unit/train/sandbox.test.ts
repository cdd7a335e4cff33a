/** The Sandbox with an architecture of the person's own: it must take the data's rows and give one output per class. */
import { describe, expect, it } from 'vitest';
import { ArchitectureError } from '../../../src/train/index.ts';
import { Sandbox } from '../../../src/train/sandbox.ts';
import { defaultSetup } from '../../../src/train/setup.ts';

const linear = (i: number, o: number) => ({ type: 'Linear', in_features: i, out_features: o });

describe('Sandbox with an arch', () => {
  it('trains an architecture that fits, with its weight decay', async () => {
    const arch = { type: 'Sequential', layers: [linear(2, 8), { type: 'Tanh' }, linear(8, 2)] };
    const sandbox = await Sandbox.create({ ...defaultSetup, dataset: 'moons', arch, wd: 0.01 });
    expect(sandbox.spec).toEqual(arch);
    expect(sandbox.model.parameters().map((p) => p.shape)).toEqual([[8, 2], [8], [2, 8], [2]]);
    const record = await sandbox.trainStep();
    expect(record.step).toBe(1);
    expect(sandbox.optimizer.paramGroups[0]).toMatchObject({ lr: 0.01, weightDecay: 0.01 });
  });

  it("refuses one that does not take the rows, with the layer's error", async () => {
    const arch = { type: 'Sequential', layers: [linear(3, 2)] };
    const made = Sandbox.create({ ...defaultSetup, arch });
    await expect(made).rejects.toThrow(ArchitectureError);
    await expect(made).rejects.toThrow(/^the architecture does not fit spirals's rows \(2\): .*3/);
  });

  it('refuses one with the wrong number of outputs', async () => {
    const arch = { type: 'Sequential', layers: [linear(2, 5)] };
    await expect(Sandbox.create({ ...defaultSetup, dataset: 'moons', arch })).rejects.toThrow(
      'the architecture gives outputs of shape (1, 5); moons needs (1, 2)',
    );
  });

  it('refuses one that does not build', async () => {
    const arch = { type: 'Sequential', layers: [{ type: 'Linear', in_features: 2 }] };
    await expect(Sandbox.create({ ...defaultSetup, arch })).rejects.toThrow(/out_features must be a number/);
  });
});
