/**
 * Resuming through general checkpoints: pthlab's own (20 + 20 steps equal 40 straight, exactly), pthlab's
 * OUT opened and continued by torch 2.6 (weights_only=True, optimizer.load_state_dict), and a checkpoint a
 * PyTorch user saved mid-run continued by `pthlab train --resume`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PyDict } from '../../../src/checkpoint/index.ts';
import type { JsonTensor } from '../engine/torch-json.ts';
import { type TrainCase, cnnSgd, mlpAdam } from './cases.ts';
import {
  type ReferenceRun,
  expectAllClose,
  freshRunFlags,
  makeCase,
  expectWeightsClose,
  pthlabOk,
  readDict,
  readLog,
  stateValues,
  torchTrain,
  trainScratch,
} from './helpers.ts';

function setup(c: TrainCase) {
  const dir = trainScratch();
  const common = (steps: number, out: string): string[] => [
    ...['--data', dir.host('data.safetensors'), '--steps', String(steps), '--batch', String(c.batch)],
    ...['--out', dir.host(`${out}.pth`), '--log', dir.host(`${out}.json`)],
  ];
  const fresh = freshRunFlags(dir, c);
  beforeAll(async () => {
    await makeCase(dir, c, 11);
  });
  afterAll(() => dir.cleanup());
  return { dir, common, fresh };
}

// The CNN run also shuffles: the resumed run takes its seed from the checkpoint and continues the order.
describe.each([
  { c: mlpAdam, first: [], resume: [] },
  { c: cnnSgd, first: ['--shuffle', '--seed', '5'], resume: ['--shuffle'] },
])('pthlab resume round trip: $c.name $first', ({ c, first, resume }) => {
  const { dir, common, fresh } = setup(c);

  it('20 steps, then --resume 20 more, equals 40 straight steps exactly', async () => {
    await Promise.all([
      pthlabOk(['train', ...fresh, ...first, ...common(40, 'straight')]),
      pthlabOk(['train', ...fresh, ...first, ...common(20, 'first')]),
    ]);
    const r = await pthlabOk([
      'train',
      '--resume',
      dir.host('first.pth'),
      ...resume,
      ...common(20, 'second'),
    ]);
    expect(r.stderr).not.toContain('warning');
    expect([...readLog(dir.host('first.json')), ...readLog(dir.host('second.json'))]).toEqual(
      readLog(dir.host('straight.json')),
    );
    const straight = readDict(dir.host('straight.pth'));
    const resumed = readDict(dir.host('second.pth'));
    for (const key of ['step', 'epoch', 'loss', 'arch'])
      expect(resumed.get(key), key).toEqual(straight.get(key));
    expect(straight.get('step')).toBe(40n);
    expect(straight.get('epoch')).toBe(BigInt(Math.floor((40 * c.batch) / (c.xShape[0] as number))));
    expect(stateValues(resumed.get('model_state_dict') as PyDict)).toEqual(
      stateValues(straight.get('model_state_dict') as PyDict),
    );
    const optState = (d: PyDict) =>
      ((d.get('optimizer_state_dict') as PyDict).get('state') as PyDict).entries();
    const flat = (d: PyDict) => [...optState(d)].map(([k, v]) => [k, stateValues(v as PyDict)]);
    expect(flat(resumed)).toEqual(flat(straight));
  });
});

describe('checkpoints across pthlab and torch 2.6 (MLP with Adam)', () => {
  const c = mlpAdam;
  const { dir, common, fresh } = setup(c);

  it("torch loads pthlab's OUT with weights_only=True and continues it as pthlab does", async () => {
    await Promise.all([
      pthlabOk(['train', ...fresh, ...common(40, 'straight')]),
      pthlabOk(['train', ...fresh, ...common(20, 'first')]),
    ]);
    const theirs = await torchTrain<{
      keys: string[];
      types: Record<string, string>;
      pthlab: Record<string, unknown>;
      lr: number;
      loss: number[];
      state_dict: Record<string, JsonTensor>;
    }>('check_out.py', {
      arch_module_dir: dir.archDir,
      path: dir.py('first.pth'),
      data: dir.py('data.safetensors'),
      steps: 20,
    });
    expect(theirs.keys).toEqual([
      'epoch',
      'step',
      'model_state_dict',
      'optimizer_state_dict',
      'loss',
      'arch',
      'pthlab',
    ]);
    expect(theirs.types).toMatchObject({
      epoch: 'int',
      step: 'int',
      loss: 'float',
      arch: 'str',
      pthlab: 'dict',
    });
    expect(theirs.pthlab).toMatchObject({
      version: '0.1.0',
      format_version: 1,
      optimizer: 'adam',
      loss_fn: 'cross_entropy',
      batch_size: c.batch,
      seed: 0,
      shuffle: false,
    });
    expect(theirs.lr).toBe(c.lr); // the saved param_groups replaced the constructor's lr
    expectAllClose(theirs.loss, readLog(dir.host('straight.json')).slice(20), 'continued loss', 1e-4, 0);
    expectWeightsClose(dir.host('straight.pth'), theirs.state_dict, 1e-3, 1e-4);
  });

  it('a general checkpoint a PyTorch user saved resumes in pthlab (arch as a nested dict)', async () => {
    const theirs = await torchTrain<ReferenceRun>('train_reference.py', {
      arch_module_dir: dir.archDir,
      arch: c.arch,
      data: dir.py('data.safetensors'),
      init: dir.py('init.pth'),
      steps: 40,
      batch: c.batch,
      loss: 'cross_entropy',
      optim: c.optim,
      lr: c.lr,
      ...c.torch,
      checkpoint_after: { step: 20, path: dir.py('torch20.pth'), arch_as: 'dict' },
    });
    const r = await pthlabOk([
      'train',
      '--resume',
      dir.host('torch20.pth'),
      ...['--loss', 'cross_entropy', '--optim', c.optim],
      ...common(20, 'from-torch'),
    ]);
    expect(r.stderr).toContain('resuming a checkpoint PyTorch wrote');
    expectAllClose(readLog(dir.host('from-torch.json')), theirs.loss.slice(20), 'resumed loss', 1e-4, 0);
    expectWeightsClose(dir.host('from-torch.pth'), theirs.state_dict, 1e-3, 1e-4);
    expect(readDict(dir.host('from-torch.pth')).get('step')).toBe(40n);
  });
});
