/**
 * The round trip as a feature: `pthlab train` 20 steps -> examples/pytorch/resume.py 20 steps (one process, or
 * DistributedDataParallel on two) -> `pthlab train --resume` 20 steps equals 60 straight steps of the torch
 * reference loop (test/torch/py/train/train_reference.py), for SGD with momentum on a BatchNorm CNN and for
 * Adam on an MLP. Every leg carries the optimizer state (momentum buffers; Adam's moments and step counts)
 * and BatchNorm's running statistics and num_batches_tracked. resume.py also runs once on torch 1.13.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PyDict } from '../../../src/checkpoint/index.ts';
import { StoredTensor } from '../../../src/checkpoint/index.ts';
import { scratchDir } from '../harness.ts';
import { type TrainCase, cnnSgd, mlpAdam } from '../train/cases.ts';
import {
  type ReferenceRun,
  expectAllClose,
  freshRunFlags,
  makeCase,
  expectWeightsClose,
  pthlabOk,
  readDict,
  readLog,
  torchTrain,
  trainScratch,
} from '../train/helpers.ts';
import { difference, report, runExample, stageExamples, weightDifference } from './measure.ts';

/** The int64 values of a checkpoint's BatchNorm counters and its optimizer's per-parameter `step`s. */
function counters(path: string): { step: bigint; tracked: number[]; optimSteps: number[] } {
  const ck = readDict(path);
  const sd = ck.get('model_state_dict') as PyDict;
  const tracked = [...sd]
    .filter(([k]) => String(k).endsWith('num_batches_tracked'))
    .map(([, v]) => Number((v as StoredTensor).toTypedArray()[0]));
  const state = (ck.get('optimizer_state_dict') as PyDict).get('state') as PyDict;
  const optimSteps = [...state.values()]
    .map((s) => (s as PyDict).get('step'))
    .filter((s): s is StoredTensor => s instanceof StoredTensor)
    .map((s) => Number(s.toTypedArray()[0]));
  return { step: ck.get('step') as bigint, tracked, optimSteps };
}

describe.each([
  { c: cnnSgd, world: 1 },
  { c: cnnSgd, world: 2 },
  { c: mlpAdam, world: 1 },
  { c: mlpAdam, world: 2 },
])(
  'pthlab -> resume.py (world $world) -> pthlab: $c.name',
  ({ c, world }: { c: TrainCase; world: number }) => {
    const dir = trainScratch();
    let reference: ReferenceRun;
    beforeAll(async () => {
      stageExamples(dir.host(''));
      await makeCase(dir, c, 11);
      reference = await torchTrain<ReferenceRun>('train_reference.py', {
        arch_module_dir: dir.archDir,
        arch: c.arch,
        data: dir.py('data.safetensors'),
        init: dir.py('init.pth'),
        steps: 60,
        batch: c.batch,
        loss: 'cross_entropy',
        optim: c.optim,
        lr: c.lr,
        ...c.torch,
      });
    });
    afterAll(() => dir.cleanup());

    it('equals 60 straight torch steps: losses, weights, buffers and optimizer state', async () => {
      const data = ['--data', dir.host('data.safetensors'), '--batch', String(c.batch)];
      await pthlabOk([
        'train',
        ...freshRunFlags(dir, c),
        ...data,
        ...['--steps', '20', '--out', dir.host('leg1.pth'), '--log', dir.host('leg1.json')],
      ]);
      const printed = await runExample('2.6', dir.py('resume.py'), [
        ...[dir.py('leg1.pth'), dir.py('data.safetensors'), '--steps', '20', '--ddp', String(world)],
        ...['--out', dir.py('leg2.pth'), '--log', dir.py('leg2.json')],
      ]);
      expect(printed).toContain('resume.py: step 40');
      const r = await pthlabOk([
        'train',
        '--resume',
        dir.host('leg2.pth'),
        ...data,
        ...['--steps', '20', '--out', dir.host('leg3.pth'), '--log', dir.host('leg3.json')],
      ]);
      expect(r.stderr).not.toContain('warning');
      expect(r.stderr).not.toContain('PyTorch wrote'); // resume.py keeps the pthlab entry

      const losses = ['leg1', 'leg2', 'leg3'].flatMap((leg) => readLog(dir.host(`${leg}.json`)));
      report(`${c.name}, world ${world}: loss vs torch`, difference(losses, reference.loss));
      expectAllClose(losses, reference.loss, 'per-step loss', 1e-4, 0);
      report(
        `${c.name}, world ${world}: weights vs torch`,
        weightDifference(dir.host('leg3.pth'), reference.state_dict),
      );
      expectWeightsClose(dir.host('leg3.pth'), reference.state_dict, 1e-3, 1e-4);

      // Counters advance by exactly 20 per leg, whoever ran it.
      const bn = JSON.stringify(c.arch).includes('"BatchNorm') ? 1 : 0;
      for (const [leg, n] of [
        ['leg1', 20],
        ['leg2', 40],
        ['leg3', 60],
      ] as const) {
        const got = counters(dir.host(`${leg}.pth`));
        expect(got.step, leg).toBe(BigInt(n));
        expect(got.tracked, leg).toEqual(Array<number>(bn).fill(n));
        if (c.optim === 'adam')
          expect(
            got.optimSteps.every((s) => s === n),
            `${leg} adam steps`,
          ).toBe(true);
      }
    });
  },
);

describe('resume.py on torch 1.13', () => {
  const c = cnnSgd;
  const dir = trainScratch(); // torch 2.6 makes the data; 1.13 gets copies
  const old = scratchDir('1.13');
  afterAll(() => {
    dir.cleanup();
    old.cleanup();
  });

  it('continues a pthlab checkpoint as torch 2.6 does, and pthlab resumes its file', async () => {
    stageExamples(old.hostPath);
    stageExamples(dir.host(''));
    await makeCase(dir, c, 11);
    await pthlabOk([
      'train',
      ...freshRunFlags(dir, c),
      ...['--data', dir.host('data.safetensors'), '--batch', String(c.batch)],
      ...['--steps', '20', '--out', dir.host('leg1.pth')],
    ]);
    for (const f of ['leg1.pth', 'data.safetensors']) copyFileSync(dir.host(f), join(old.hostPath, f));
    const leg = (version: '1.13' | '2.6', at: (f: string) => string) =>
      runExample(version, at('resume.py'), [
        ...[at('leg1.pth'), at('data.safetensors'), '--steps', '20'],
        ...['--out', at('leg2.pth'), '--log', at('leg2.json')],
      ]);
    await Promise.all([leg('1.13', (f) => join(old.pyPath, f)), leg('2.6', dir.py)]);
    const older = readLog(join(old.hostPath, 'leg2.json'));
    const newer = readLog(dir.host('leg2.json'));
    report('torch 1.13 vs 2.6 resume.py loss', difference(older, newer));
    expectAllClose(older, newer, 'torch 1.13 vs 2.6 loss', 1e-4, 0);
    expect(counters(join(old.hostPath, 'leg2.pth'))).toEqual(counters(dir.host('leg2.pth')));

    await pthlabOk([
      'train',
      '--resume',
      join(old.hostPath, 'leg2.pth'),
      ...['--data', dir.host('data.safetensors'), '--batch', String(c.batch)],
      ...['--steps', '5', '--out', join(old.hostPath, 'leg3.pth')],
    ]);
    expect(counters(join(old.hostPath, 'leg3.pth')).tracked).toEqual([45]);
  });
});
