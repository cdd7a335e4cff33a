/**
 * `pthlab train` against the same loop in real torch 2.6 (test/torch/py/train/train_reference.py): same
 * architecture, the same torch-made initial weights (--init) and data, the same optimizer, 50 steps. Per-step
 * losses agree within 1e-4 relative and the final weights within atol 1e-4 + rtol 1e-3, on the CPU backend and
 * on the WebGPU one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrainCase, cnnSgd, mlpAdam } from './cases.ts';
import {
  type ReferenceRun,
  expectAllClose,
  makeCase,
  expectWeightsClose,
  pthlabOk,
  readLog,
  torchTrain,
  trainScratch,
} from './helpers.ts';

const STEPS = 50;

describe.each([mlpAdam, cnnSgd])('pthlab train matches torch 2.6: $name', (c: TrainCase) => {
  const dir = trainScratch();
  afterAll(() => dir.cleanup());

  beforeAll(async () => {
    await makeCase(dir, c, 7);
  });

  let theirs: ReferenceRun;
  const pthlabArgs = (device: string): string[] => [
    'train',
    ...['--arch', dir.host('arch.json'), '--data', dir.host('data.safetensors')],
    ...['--init', dir.host('init.pth'), '--steps', String(STEPS), '--batch', String(c.batch)],
    ...['--loss', 'cross_entropy', '--optim', c.optim, '--lr', String(c.lr), ...c.flags],
    ...['--device', device, '--out', dir.host(`${device}.pth`), '--log', dir.host(`${device}.json`)],
  ];

  it('on the CPU backend: per-step losses and final weights', async () => {
    [theirs] = await Promise.all([
      torchTrain<ReferenceRun>('train_reference.py', {
        arch_module_dir: dir.archDir,
        arch: c.arch,
        data: dir.py('data.safetensors'),
        init: dir.py('init.pth'),
        steps: STEPS,
        batch: c.batch,
        loss: 'cross_entropy',
        optim: c.optim,
        lr: c.lr,
        ...c.torch,
      }),
      pthlabOk(pthlabArgs('cpu')),
    ]);
    expectAllClose(readLog(dir.host('cpu.json')), theirs.loss, 'per-step loss', 1e-4, 0);
    expectWeightsClose(dir.host('cpu.pth'), theirs.state_dict, 1e-3, 1e-4);
  });

  // The WebGPU backend (src/tensor/webgpu/) on whatever adapter Node finds; as the gpu tests do, SwiftShader
  // where no VK_ICD_FILENAMES is set. No adapter is a failure (pthlab refuses --device webgpu), never a skip.
  it('on the WebGPU backend: per-step losses and final weights', async () => {
    expect(theirs, 'the CPU test ran the torch reference').toBeDefined();
    await pthlabOk(pthlabArgs('webgpu'), {
      VK_ICD_FILENAMES: process.env['VK_ICD_FILENAMES'] ?? '/usr/lib/chromium/vk_swiftshader_icd.json',
    });
    expectAllClose(readLog(dir.host('webgpu.json')), theirs.loss, 'per-step loss', 1e-4, 0);
    expectWeightsClose(dir.host('webgpu.pth'), theirs.state_dict, 1e-3, 1e-4);
  });
});
