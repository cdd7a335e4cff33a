/**
 * `pthlab convert IN OUT --whole-model --arch ARCH.json` against real torch 1.13 and 2.6: the file loads with
 * `weights_only=False` (and in 2.6 with `weights_only=True` inside `safe_globals` of the classes pthlab names)
 * as the model built from the spec, in eval mode, computing exactly what that model computes with the same
 * state_dict, and every module's attributes equal a freshly built torch module's. torch 2.6's plain
 * `torch.load` refuses it (its weights_only default).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wholeModelClasses, type ModuleSpec } from '../../../src/nn/index.ts';
import { torchVersions } from '../harness.ts';
import { pthlabOk } from '../train/helpers.ts';
import { reference, scratch } from './helpers.ts';

interface Case {
  readonly spec: ModuleSpec;
  readonly input: number[];
  readonly dtype?: 'int64';
  readonly high?: number;
}

const cases: Record<string, Case> = {
  cnn: {
    input: [4, 1, 6, 6],
    spec: {
      type: 'Sequential',
      layers: [
        { type: 'Conv2d', in_channels: 1, out_channels: 3, kernel_size: 3, padding: 1 },
        { type: 'BatchNorm2d', num_features: 3 },
        { type: 'ReLU' },
        { type: 'MaxPool2d', kernel_size: 2 }, // (4, 3, 3, 3)
        {
          type: 'Conv2d',
          in_channels: 3,
          out_channels: 4,
          kernel_size: [3, 1],
          padding: 'same',
          bias: false,
        },
        { type: 'LeakyReLU', negative_slope: 0.2 },
        { type: 'AvgPool2d', kernel_size: [2, 2], stride: 1 }, // (4, 4, 2, 2)
        { type: 'Flatten' },
        { type: 'Linear', in_features: 16, out_features: 8 },
        { type: 'BatchNorm1d', num_features: 8 },
        { type: 'Dropout', p: 0.3 },
        { type: 'Tanh' },
        { type: 'Linear', in_features: 8, out_features: 3 },
      ],
    },
  },
  mlp: {
    input: [4, 6],
    spec: {
      type: 'Sequential',
      layers: [
        { type: 'Linear', in_features: 6, out_features: 5, bias: false },
        { type: 'LayerNorm', normalized_shape: 5 },
        { type: 'GELU', approximate: 'tanh' },
        { type: 'Linear', in_features: 5, out_features: 4 },
        { type: 'BatchNorm1d', num_features: 4, affine: false, momentum: null },
        { type: 'Sigmoid' },
        { type: 'Linear', in_features: 4, out_features: 3 },
        { type: 'Softmax', dim: 1 },
      ],
    },
  },
  embedding: {
    input: [4, 3],
    dtype: 'int64',
    high: 10,
    spec: {
      type: 'Sequential',
      layers: [
        { type: 'Embedding', num_embeddings: 10, embedding_dim: 4, padding_idx: -1 },
        { type: 'Flatten' },
        { type: 'Linear', in_features: 12, out_features: 2 },
      ],
    },
  },
};

interface Way {
  equal: boolean;
  classes: string[];
  training: boolean[];
  problems: string[];
}

interface Checked {
  ways: Record<string, Way>;
  plain: string;
}

describe.each(torchVersions)('convert --whole-model, loaded by torch %s', (version) => {
  const dir = scratch(version);
  const results: Record<string, Checked> = {};
  const stderr: Record<string, string> = {};
  const io = (name: string) => {
    const c = cases[name] as Case;
    return { spec: c.spec, input: c.input, dtype: c.dtype, high: c.high, state: dir.py(`${name}.sd.pth`) };
  };
  const names = Object.keys(cases);

  beforeAll(async () => {
    await reference(version, 'whole_model.py', { make: Object.fromEntries(names.map((n) => [n, io(n)])) });
    for (const name of names) {
      const arch = dir.json(`${name}.arch.json`, cases[name]?.spec);
      const args = [
        dir.host(`${name}.sd.pth`),
        dir.host(`${name}.whole.pth`),
        '--whole-model',
        '--arch',
        arch,
      ];
      stderr[name] = (await pthlabOk(['convert', ...args])).stderr;
    }
    const check = names.map((n) => [
      n,
      { ...io(n), check: dir.py(`${n}.whole.pth`), classes: wholeModelClasses((cases[n] as Case).spec) },
    ]);
    Object.assign(results, await reference(version, 'whole_model.py', { check: Object.fromEntries(check) }));
  });
  afterAll(() => dir.cleanup());

  it.each(names)('%s', (name) => {
    const c = cases[name] as Case;
    expect(stderr[name]).toContain(`safe_globals([${wholeModelClasses(c.spec).join(', ')}])`);
    const result = results[name] as Checked;
    const ways = version === '2.6' ? ['weights_only=False', 'safe_globals'] : ['weights_only=False'];
    expect(Object.keys(result.ways)).toEqual(ways);
    const layers = (c.spec['layers'] as ModuleSpec[]).map((l) => l.type);
    for (const way of ways) {
      const got = result.ways[way] as Way;
      expect(got.problems, way).toEqual([]);
      expect(got.classes, way).toEqual(['Sequential', ...layers]);
      expect(got.training, way).toEqual(got.classes.map(() => false));
      expect(got.equal, way).toBe(true);
    }
    if (version === '2.6') expect(result.plain).toMatch(/^UnpicklingError: Weights only load failed/);
    else expect(result.plain).toBe('loaded');
  });

  it('inspect names the lowest torch and how weights_only loads it', async () => {
    const out = (await pthlabOk(['inspect', dir.host('cnn.whole.pth')])).stdout;
    expect(out).toContain('whole pickled model torch.nn.modules.container.Sequential');
    expect(out).toMatch(/^loads in torch >= 1\.6 \(the zip format: 1\.6\)$/m);
    expect(out).toContain(
      'weights_only=True (the default since 2.6) only inside torch.serialization.safe_globals',
    );
  });
});
