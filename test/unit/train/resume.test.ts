/**
 * resumeCheckpoint: a general checkpoint resumes in a new Sandbox with the file's optimizer, hyperparameters,
 * state and step; the current sandbox is never touched, also when the file fails. The optimizer of a file
 * without a `pthlab` entry is told from its param_groups' keys (pthlab's optimizers write torch's key orders;
 * test/browser/app-resume.test.ts does the same with files torch 2.6 wrote).
 */
import { describe, expect, it } from 'vitest';
import { PyDict } from '../../../src/checkpoint/index.ts';
import { StateDictError } from '../../../src/nn/index.ts';
import { Adam, AdamW, SGD } from '../../../src/optim/index.ts';
import {
  type GeneralCheckpoint,
  buildGeneralCheckpoint,
  readGeneralCheckpoint,
} from '../../../src/train/index.ts';
import { optimizerFromKeys, resumeCheckpoint, resumePlan } from '../../../src/train/resume.ts';
import { Sandbox } from '../../../src/train/sandbox.ts';
import { type Setup, defaultSetup } from '../../../src/train/setup.ts';

const moons: Setup = { ...defaultSetup, dataset: 'moons', n: 60 };

/** A checkpoint of `setup` after `steps` steps, as the page saves it (or without its `pthlab` entry). */
async function checkpointOf(setup: Setup, steps: number, withRunInfo = true): Promise<GeneralCheckpoint> {
  const sandbox = await Sandbox.create(setup);
  for (let i = 0; i < steps; i++) await sandbox.trainStep();
  const dict = await buildGeneralCheckpoint(sandbox.checkpointParts());
  if (!withRunInfo) dict.delete('pthlab');
  return readGeneralCheckpoint(dict);
}

describe('optimizerFromKeys', () => {
  it("tells SGD, Adam and AdamW apart by their param_groups' keys", async () => {
    const sandbox = await Sandbox.create(moons);
    const params = sandbox.model.parameters();
    for (const [name, optimizer] of [
      ['sgd', new SGD(params, { lr: 0.1, momentum: 0.9 })],
      ['adam', new Adam(params)],
      ['adamw', new AdamW(params)],
    ] as const) {
      const groups = (await optimizer.stateDict()).get('param_groups') as PyDict[];
      expect(optimizerFromKeys(groups[0] as PyDict), name).toBe(name);
    }
  });

  it("believes torch 2.7's decoupled_weight_decay over the key order", () => {
    const group = (decoupled: boolean) =>
      new PyDict('dict', [
        ['lr', 0.1],
        ['betas', [0.9, 0.999]],
        ['maximize', false],
        ['foreach', null],
        ['decoupled_weight_decay', decoupled],
      ]);
    expect(optimizerFromKeys(group(true))).toBe('adamw');
    expect(optimizerFromKeys(group(false))).toBe('adam');
    expect(optimizerFromKeys(new PyDict('dict', [['lr', 0.1]]))).toBeUndefined();
  });
});

describe('resumeCheckpoint', () => {
  it("switches to the file's optimizer and settings, loads its state and continues at its step", async () => {
    const file = await checkpointOf({ ...moons, optim: 'sgd', lr: 0.05, wd: 0.002, batch: 8 }, 3);
    const current = await Sandbox.create(moons);
    const { sandbox, note } = await resumeCheckpoint(current, file);
    expect(sandbox).not.toBe(current);
    expect(sandbox.setup).toEqual({ ...moons, optim: 'sgd', lr: 0.05, wd: 0.002, batch: 8 });
    expect(sandbox.optimizer).toBeInstanceOf(SGD);
    expect(sandbox.step).toBe(3);
    expect(note).toBe(
      'resumed at step 3 with sgd (lr 0.05, momentum 0.9, weight decay 0.002, batch 8) from the file',
    );
    const saved = await buildGeneralCheckpoint(sandbox.checkpointParts());
    expect(saved.get('optimizer_state_dict')).toEqual(file.optimizerStateDict);
    expect(current.step).toBe(0);
    expect(current.optimizer).toBeInstanceOf(Adam);
  });

  it('keeps the page value of a setting the URL cannot carry, and says so', async () => {
    const file = await checkpointOf({ ...moons, optim: 'adam' }, 1);
    file.run.batchSize = 10_000;
    const plan = resumePlan(moons, file);
    expect(plan.setup.batch).toBe(moons.batch);
    expect(plan.kept).toEqual([
      "the file's batch_size 10000 is outside what this page takes; batch stays 32",
    ]);
  });

  it('takes AdamW from the keys of a file without a pthlab entry', async () => {
    const file = await checkpointOf({ ...moons, optim: 'adamw', lr: 0.003 }, 2, false);
    expect(file.run.optimizer).toBeUndefined();
    const { sandbox } = await resumeCheckpoint(await Sandbox.create(moons), file);
    expect(sandbox.setup.optim).toBe('adamw');
    expect(sandbox.setup.lr).toBe(0.003);
    expect(sandbox.optimizer).toBeInstanceOf(AdamW);
  });

  it('starts the optimizer fresh, saying why, when the file has no optimizer state', async () => {
    const file = await checkpointOf({ ...moons, optim: 'sgd' }, 2);
    file.optimizerStateDict = undefined;
    const { sandbox, note } = await resumeCheckpoint(await Sandbox.create(moons), file);
    expect(sandbox.step).toBe(2);
    expect(note).toBe(
      "resumed at step 2 from the file's weights; the file has no optimizer state, so sgd (lr 0.01, momentum 0.9, batch 32) starts fresh",
    );
  });

  it("throws PyTorch's mismatch for another architecture, and the current sandbox stays", async () => {
    const arch = {
      type: 'Sequential',
      layers: [{ type: 'Linear', in_features: 2, out_features: 2 }],
    };
    const file = await checkpointOf({ ...moons, arch }, 1);
    const current = await Sandbox.create(moons);
    const before = await current.logits(new Float32Array([0.5, -0.5]), 1);
    await expect(resumeCheckpoint(current, file)).rejects.toThrow(StateDictError);
    expect(await current.logits(new Float32Array([0.5, -0.5]), 1)).toEqual(before);
  });

  it('throws for an optimizer state of another layout', async () => {
    const file = await checkpointOf({ ...moons, optim: 'sgd' }, 1);
    const state = file.optimizerStateDict as PyDict;
    const groups = state.get('param_groups') as PyDict[];
    state.set('param_groups', [...groups, groups[0] as PyDict]);
    await expect(resumeCheckpoint(await Sandbox.create(moons), file)).rejects.toThrow(
      'loaded state dict has a different number of parameter groups',
    );
  });
});
