/**
 * A general checkpoint records the mode its model was saved in (`pthlab.training`), reads it back, and a file
 * saved in training mode gets a note; one saved after `eval()` gets none.
 */
import { expect, it } from 'vitest';
import { loadCheckpoint, saveTorchZip } from '../../../src/checkpoint/index.ts';
import { readProvenance } from '../../../src/analysis/index.ts';
import { type ModuleSpec, buildModule } from '../../../src/nn/index.ts';
import { SGD } from '../../../src/optim/index.ts';
import { Generator } from '../../../src/tensor/index.ts';
import { buildGeneralCheckpoint, readGeneralCheckpoint } from '../../../src/train/index.ts';

const arch: ModuleSpec = {
  type: 'Sequential',
  layers: [
    { type: 'Linear', in_features: 3, out_features: 2 },
    { type: 'Dropout', p: 0.5 },
  ],
};
const run = { optimizer: 'sgd', lossFn: 'mse', batchSize: 4, seed: 0, shuffle: false };

it.each([true, false])('training=%s is recorded, read back, and noted only when true', async (training) => {
  const model = buildModule(arch, { generator: new Generator(1) });
  if (!training) model.eval();
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const value = await buildGeneralCheckpoint({ model, optimizer, step: 0, epoch: 0, loss: null, arch, run });
  const back = loadCheckpoint(saveTorchZip(value)).value;
  expect(readGeneralCheckpoint(back).savedInTraining).toBe(training);
  const notes = readProvenance(back)?.warnings.filter((w) => w.includes('training mode')) ?? [];
  expect(notes).toHaveLength(training ? 1 : 0);
});
