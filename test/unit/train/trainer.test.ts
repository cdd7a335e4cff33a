import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PyDict, loadCheckpoint, saveTorchZip } from '../../../src/checkpoint/index.ts';
import { parseTrainArgs, trainCommand } from '../../../src/cli/train.ts';
import { type ModuleSpec, buildModule, toPyStateDict } from '../../../src/nn/index.ts';
import { SGD } from '../../../src/optim/index.ts';
import { Generator, cpu, fromHost, tensor } from '../../../src/tensor/index.ts';
import {
  DivergenceError,
  TrainError,
  Trainer,
  buildGeneralCheckpoint,
  computeLoss,
  datasetFromBytes,
  readGeneralCheckpoint,
} from '../../../src/train/index.ts';
import { dataBytes, tempDir, writeJson } from './fixtures.ts';

const linear: ModuleSpec = { type: 'Linear', in_features: 3, out_features: 2 };
const silent = { stderr: () => {}, isTTY: false };

function setup(lr: number, metricsEvery = 1) {
  const model = buildModule(linear, { generator: new Generator(1) });
  const optimizer = new SGD(model.parameters(), { lr });
  const data = datasetFromBytes(dataBytes(8, 3, 2));
  return {
    model,
    optimizer,
    trainer: new Trainer({ model, optimizer, data, batchSize: 4, loss: 'mse', backend: cpu, metricsEvery }),
  };
}

describe('the divergence guard', () => {
  it('stops at the first non-finite loss, before the update, naming the step', async () => {
    const { model, trainer } = setup(1e20);
    const first = await trainer.trainStep(); // finite, but the weights are now ~1e20
    expect(Number.isFinite(first.loss)).toBe(true);
    const before = model.parameters().map((p) => [...p.dataSync()]);
    const error = await trainer.trainStep().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as DivergenceError).step).toBe(2);
    expect((error as Error).message).toMatch(/training diverged: the loss is (Infinity|NaN) at step 2/);
    expect(model.parameters().map((p) => [...p.dataSync()])).toEqual(before);
    expect(trainer.step).toBe(1);
  });

  // With metrics every k steps the guard sees a loss late: the steps between were taken (here the weights went
  // to infinity and NaN), so it puts back the weights from before the first step, the last ones known good.
  it('acts on losses read every k steps: stops, names the read step, puts back the last good weights', async () => {
    const { model, trainer } = setup(1e20, 3);
    const initial = model.parameters().map((p) => [...p.dataSync()]);
    const handles = [trainer.enqueueStep(), trainer.enqueueStep(), trainer.enqueueStep()];
    expect(handles.map((h) => h.step)).toEqual([1, 2, 3]);
    expect(handles.map((h) => h.metrics !== undefined)).toEqual([false, false, true]);
    const error = await handles[2]!.metrics!.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as DivergenceError).step).toBe(3);
    expect(model.parameters().map((p) => [...p.dataSync()])).toEqual(initial);
    expect(trainer.step).toBe(0);
    expect(() => trainer.enqueueStep()).toThrow(error as Error);
  });

  it('reads back every k steps, each record the loss of its own step', async () => {
    const every = setup(0.1, 2).trainer;
    const each = await setup(0.1).trainer.run(6);
    const handles = Array.from({ length: 6 }, () => every.enqueueStep());
    const read = await Promise.all(handles.flatMap((h) => (h.metrics === undefined ? [] : [h.metrics])));
    expect(read).toEqual([each[1], each[3], each[5]]);
    expect(every.lastLoss).toBe(each[5]!.loss);
  });

  it('never builds a checkpoint of non-finite weights', async () => {
    const { model, optimizer } = setup(0.1);
    const w = model.parameters()[0]!;
    w.backend.write(
      w.buffer,
      Float32Array.from({ length: w.numel }, (_, i) => (i === 2 ? NaN : 0)),
    );
    const run = { optimizer: 'sgd', lossFn: 'mse', batchSize: 4, seed: 0, shuffle: false };
    await expect(
      buildGeneralCheckpoint({ model, optimizer, step: 3, epoch: 1, loss: 0.5, arch: linear, run }),
    ).rejects.toThrow(/weight holds NaN or infinite values: the run diverged, so no checkpoint was written/);
  });

  it('`pthlab train` writes no checkpoint and no log when training diverges', async () => {
    const dir = tempDir();
    const args = parseTrainArgs([
      ...[
        '--arch',
        writeJson(join(dir, 'arch.json'), linear),
        '--loss',
        'mse',
        '--optim',
        'sgd',
        '--lr',
        '1e20',
      ],
      ...['--data', join(dir, 'data.safetensors'), '--steps', '5', '--batch', '4'],
      ...['--out', join(dir, 'out.pth'), '--log', join(dir, 'log.json')],
    ]);
    writeFileSync(args.data, dataBytes(8, 3, 2));
    await expect(trainCommand(args, silent)).rejects.toThrow(DivergenceError);
    expect(existsSync(join(dir, 'out.pth'))).toBe(false);
    expect(existsSync(join(dir, 'log.json'))).toBe(false);
  });
});

describe('losses', () => {
  it('checks shapes before computing', () => {
    const out = tensor([0, 1, 2, 3], [2, 2]);
    expect(() => computeLoss('mse', out, tensor([0, 1], [2]))).toThrow(
      /mse: the model's output torch.Size\(\[2, 2\]\) and y torch.Size\(\[2\]\)/,
    );
    expect(() => computeLoss('cross_entropy', out, tensor([0, 1], [2]))).toThrow(
      /y must be integer class ids \(N,\) or float probabilities \(N, 2\), got float32 torch.Size\(\[2\]\)/,
    );
    const ids = fromHost(Int32Array.of(1, 0), [2]);
    expect(computeLoss('cross_entropy', out, ids).item()).toBeCloseTo(
      (Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.E)) / 2,
      5,
    );
  });
});

describe('general checkpoints', () => {
  it('build and read back: step, epoch, loss, arch as JSON text, the pthlab entry', async () => {
    const { model, optimizer, trainer } = setup(0.1);
    await trainer.run(3);
    const run = { optimizer: 'sgd', lossFn: 'mse', batchSize: 4, seed: 9, shuffle: true };
    const value = await buildGeneralCheckpoint({
      model,
      optimizer,
      step: trainer.step,
      epoch: trainer.epoch,
      loss: trainer.lastLoss,
      arch: linear,
      run,
    });
    expect([...value.keys()]).toEqual([
      'epoch',
      'step',
      'model_state_dict',
      'optimizer_state_dict',
      'loss',
      'arch',
      'pthlab',
    ]);
    expect(value.get('arch')).toBe(JSON.stringify(linear));
    const ck = readGeneralCheckpoint(loadCheckpoint(saveTorchZip(value)).value);
    expect(ck).toMatchObject({
      step: 3,
      epoch: 1,
      loss: trainer.lastLoss,
      arch: linear,
      run,
      writerVersion: '0.1.0',
    });
  });

  it('reads what PyTorch users save: arch as a nested dict, no pthlab entry', async () => {
    const { model } = setup(0.1);
    const arch = new PyDict('dict', [
      ['type', 'Linear'],
      ['in_features', 3n],
      ['out_features', 2n],
    ]);
    const value = new PyDict('dict', [
      ['epoch', 0n],
      ['model_state_dict', await toPyStateDict(model)],
      ['optimizer_state_dict', new PyDict()],
      ['arch', arch],
    ]);
    const ck = readGeneralCheckpoint(value);
    expect(ck).toMatchObject({ arch: linear, step: undefined, writerVersion: undefined, run: {} });
  });

  it('explains a bare state_dict and a newer format', async () => {
    const { model } = setup(0.1);
    expect(() => readGeneralCheckpoint(new PyDict('OrderedDict', [['weight', null]]))).toThrow(
      /no 'model_state_dict'/,
    );
    const sd = await toPyStateDict(model);
    expect(() => readGeneralCheckpoint(sd)).toThrow(/looks like a bare state_dict: use --init/);
    const newer = new PyDict('dict', [
      ['model_state_dict', sd],
      ['pthlab', new PyDict('dict', [['format_version', 99n]])],
    ]);
    expect(() => readGeneralCheckpoint(newer)).toThrow(TrainError);
  });
});

describe('pthlab train setup errors', () => {
  it('--init speaks torch (missing keys) and writes nothing', async () => {
    const dir = tempDir();
    const other = buildModule({ type: 'Linear', in_features: 3, out_features: 2, bias: false });
    writeFileSync(join(dir, 'init.pth'), saveTorchZip(await toPyStateDict(other)));
    writeFileSync(join(dir, 'data.safetensors'), dataBytes(8, 3, 2));
    const args = parseTrainArgs([
      ...[
        '--arch',
        writeJson(join(dir, 'arch.json'), linear),
        '--loss',
        'mse',
        '--optim',
        'sgd',
        '--lr',
        '0.1',
      ],
      ...['--data', join(dir, 'data.safetensors'), '--steps', '1', '--batch', '4'],
      ...['--init', join(dir, 'init.pth'), '--out', join(dir, 'out.pth')],
    ]);
    await expect(trainCommand(args, silent)).rejects.toThrow(
      'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". ',
    );
    expect(existsSync(join(dir, 'out.pth'))).toBe(false);
  });

  // Without a Vulkan driver Dawn finds no adapter: the run must stop and say why, never fall back to the
  // CPU. (Training on WebGPU itself is covered by test/torch/train/parity.test.ts.)
  it('--device webgpu without an adapter stops with the reason and writes nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data.safetensors'), dataBytes(8, 3, 2));
    const args = [
      ...['train', '--arch', writeJson(join(dir, 'arch.json'), linear), '--loss', 'mse', '--optim', 'sgd'],
      ...['--lr', '0.1', '--data', join(dir, 'data.safetensors'), '--steps', '1', '--batch', '4'],
      ...['--device', 'webgpu', '--out', join(dir, 'out.pth')],
    ];
    const run = spawnSync(process.execPath, ['bin/pthlab.mjs', ...args], {
      encoding: 'utf8',
      env: { ...process.env, VK_ICD_FILENAMES: join(dir, 'no-such-driver.json') },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/pthlab: error: --device webgpu: .*; use --device cpu/s);
    expect(existsSync(join(dir, 'out.pth'))).toBe(false);
  });

  it('--arch errors name the flag', async () => {
    const dir = tempDir();
    const args = parseTrainArgs([
      ...[
        '--arch',
        writeJson(join(dir, 'arch.json'), { type: 'Linear', in_features: 3, out_features: 2, bais: 1 }),
      ],
      ...['--loss', 'mse', '--optim', 'sgd', '--lr', '0.1', '--data', join(dir, 'd.safetensors')],
      ...['--steps', '1', '--batch', '4', '--out', join(dir, 'out.pth')],
    ]);
    await expect(trainCommand(args, silent)).rejects.toThrow(
      "--arch: Linear.__init__() got an unexpected keyword argument 'bais'",
    );
  });
});
