/**
 * examples/pytorch/train_then_browse.py on real torch 2.6: PyTorch trains on data pthlab made (its seeded
 * spirals, exported as safetensors) and saves a general checkpoint; pthlab opens it, rebuilds the model from
 * its `arch`, and scores exactly torch's accuracy on the same rows; `pthlab train --resume` continues it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  Storage,
  StoredTensor,
  dtypeInfo,
  loadCheckpoint,
  writeSafetensors,
} from '../../../src/checkpoint/index.ts';
import { buildModule, fromPyStateDict } from '../../../src/nn/index.ts';
import { cpu, fromHost, noGrad } from '../../../src/tensor/index.ts';
import { makeSynthetic } from '../../../src/train/datasets/index.ts';
import { readGeneralCheckpoint } from '../../../src/train/index.ts';
import { repoRoot } from '../fixtures.ts';
import { scratchDir } from '../harness.ts';
import { runExample, stageExamples } from './measure.ts';

const scratch = scratchDir('2.6');
afterAll(() => scratch.cleanup());

it('PyTorch trains on pthlab data; pthlab opens the checkpoint, scores its accuracy, and resumes it', async () => {
  const data = makeSynthetic('spirals', { n: 200, seed: 3, classes: 2 });
  const y = BigInt64Array.from(data.y, (v) => BigInt(v));
  const tensors = new Map([
    ['x', new StoredTensor(new Storage(dtypeInfo('float32'), new Uint8Array(data.x.buffer)), [data.n, 2])],
    ['y', new StoredTensor(new Storage(dtypeInfo('int64'), new Uint8Array(y.buffer)), [data.n])],
  ]);
  writeFileSync(join(scratch.hostPath, 'data.safetensors'), writeSafetensors(tensors));
  stageExamples(scratch.hostPath);
  writeFileSync(
    join(scratch.hostPath, 'train_then_browse.py'),
    readFileSync(join(repoRoot, 'examples/pytorch/train_then_browse.py')),
  );
  const args = [
    join(scratch.pyPath, 'ck.pth'),
    '--data',
    join(scratch.pyPath, 'data.safetensors'),
    '--steps',
    '150',
  ];
  const printed = await runExample('2.6', join(scratch.pyPath, 'train_then_browse.py'), args);
  const torchResult = JSON.parse(printed.trim().split('\n').pop() as string) as {
    accuracy: number;
    rows: number;
  };
  expect(torchResult.rows).toBe(200);

  const checkpoint = readGeneralCheckpoint(
    loadCheckpoint(readFileSync(join(scratch.hostPath, 'ck.pth'))).value,
  );
  expect(checkpoint.step).toBe(150);
  const model = buildModule(checkpoint.arch ?? { type: 'missing arch' }, { backend: cpu });
  const loaded = fromPyStateDict(checkpoint.modelStateDict, cpu);
  model.loadStateDict(loaded.stateDict, loaded.metadata === undefined ? {} : { metadata: loaded.metadata });
  model.eval();
  const logits = await noGrad(() => model.forward(fromHost(data.x, [data.n, 2], { backend: cpu }))).data();
  let correct = 0;
  for (let row = 0; row < data.n; row++) {
    const predicted = (logits[row * 2 + 1] as number) > (logits[row * 2] as number) ? 1 : 0;
    if (predicted === data.y[row]) correct++;
  }
  expect(correct).toBe(Math.round(torchResult.accuracy * data.n));

  const resumed = join(scratch.hostPath, 'resumed.pth');
  execFileSync(process.execPath, [
    join(repoRoot, 'bin/pthlab.mjs'),
    ...[
      'train',
      '--resume',
      join(scratch.hostPath, 'ck.pth'),
      '--data',
      join(scratch.hostPath, 'data.safetensors'),
    ],
    ...[
      '--steps',
      '10',
      '--batch',
      '32',
      '--loss',
      'cross_entropy',
      '--optim',
      'adam',
      '--lr',
      '0.05',
      '--out',
      resumed,
    ],
  ]);
  expect(readGeneralCheckpoint(loadCheckpoint(readFileSync(resumed)).value).step).toBe(160);
});
