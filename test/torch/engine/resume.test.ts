/**
 * The round trip through real files: pthlab trains, saves model + optimizer state as a torch zip; torch 2.6
 * loads it with weights_only=True, resumes and saves its own; pthlab's own continuation matches torch's,
 * and loading torch's file back reproduces torch's final state exactly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, PyDict, saveTorchZip } from '../../../src/checkpoint/index.ts';
import { type ModuleSpec, buildModule, fromPyStateDict, toPyStateDict } from '../../../src/nn/index.ts';
import { Adam, AdamW, SGD } from '../../../src/optim/index.ts';
import { F, Generator, type Tensor, fromHost, manualSeed, randn } from '../../../src/tensor/index.ts';
import { scratchDir } from '../harness.ts';
import { type JsonTensor, expectClose, torchJson } from './torch-json.ts';

const spec: ModuleSpec = {
  type: 'Sequential',
  layers: [
    // No bias before BatchNorm: its gradient would be zero up to rounding noise, which Adam amplifies
    // into steps that no two implementations share.
    { type: 'Linear', in_features: 4, out_features: 8, bias: false },
    { type: 'BatchNorm1d', num_features: 8 },
    { type: 'ReLU' },
    { type: 'Linear', in_features: 8, out_features: 3 },
  ],
};
const STEPS = 3;
const optimizers = {
  SGD: (p: Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9 }),
  Adam: (p: Tensor[]) => new Adam(p, { lr: 0.01 }),
  AdamW: (p: Tensor[]) => new AdamW(p, { lr: 0.01, amsgrad: true }),
};

describe.each(Object.keys(optimizers) as (keyof typeof optimizers)[])(
  'resume %s across pthlab and torch 2.6',
  (kind) => {
    const scratch = scratchDir('2.6');
    afterAll(() => scratch.cleanup());

    it('continues identically on both sides, through torch zip files', async () => {
      manualSeed(3);
      const x = randn([16, 4], { generator: new Generator(11) });
      const y = fromHost(
        Int32Array.from({ length: 16 }, (_, i) => (i * 7) % 3),
        [16],
      );
      const model = buildModule(spec);
      const opt = optimizers[kind](model.parameters());
      const train = () => {
        for (let s = 0; s < STEPS; s++) {
          opt.zeroGrad();
          F.crossEntropy(model.forward(x), y).backward();
          opt.step();
        }
      };
      train();
      const checkpoint = new PyDict('dict', [
        ['model_state_dict', await toPyStateDict(model)],
        ['optimizer_state_dict', await opt.stateDict()],
      ]);
      writeFileSync(join(scratch.hostPath, 'ours.pth'), saveTorchZip(checkpoint));
      const cfg = {
        spec,
        optimizer: kind,
        x: { shape: x.shape, dtype: 'float32', data: [...x.dataSync()] },
        y: { shape: y.shape, dtype: 'int64', data: [...y.dataSync()] },
        steps: STEPS,
      };
      const theirs = await torchJson<{ state_dict: Record<string, JsonTensor> }>('2.6', 'resume.py', [
        `${scratch.pyPath}/ours.pth`,
        JSON.stringify(cfg),
        `${scratch.pyPath}/theirs.pth`,
      ]);

      train(); // pthlab's own continuation
      for (const [k, t] of model.stateDict())
        expectClose(t, theirs.state_dict[k]!, `continued ${k}`, { rtol: 1e-5, atol: 1e-6 });

      // The way back: torch's file into a fresh model and optimizer.
      const loaded = loadCheckpoint(readFileSync(join(scratch.hostPath, 'theirs.pth'))).value as PyDict;
      const fresh = buildModule(spec);
      const { stateDict, metadata } = fromPyStateDict(loaded.get('model_state_dict') as PyDict);
      fresh.loadStateDict(stateDict, metadata === undefined ? {} : { metadata });
      for (const [k, t] of fresh.stateDict())
        expectClose(t, theirs.state_dict[k]!, `loaded ${k}`, { rtol: 0, atol: 0 });
      const freshOpt = optimizers[kind](fresh.parameters());
      freshOpt.loadStateDict(loaded.get('optimizer_state_dict') as PyDict);
      const again = await freshOpt.stateDict();
      expect([...(again.get('param_groups') as PyDict[])[0]!.keys()]).toEqual([
        ...((loaded.get('optimizer_state_dict') as PyDict).get('param_groups') as PyDict[])[0]!.keys(),
      ]);
    });
  },
);
