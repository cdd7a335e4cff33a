/**
 * The layer registry (src/nn/layer-types/) as the one description of each layer type: buildModule and
 * inferShapes refuse exactly the same malformed specs in the same words (every keyword of every type given
 * values of every wrong kind, an unknown keyword, a required one missing); where a spec builds, the module's
 * forward fits exactly when inference says so; the state_dict a module holds is the one its entry declares;
 * and the Python mirror's table in examples/pytorch/pthlab_arch.py is the one the registry generates.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archFile, withTable } from '../../../scripts/gen-layer-table.ts';
import { type ModuleSpec, buildModule } from '../../../src/nn/index.ts';
import { REQUIRED, layerType, layerTypes, paramCount, readLayer } from '../../../src/nn/layer-types/index.ts';
import { inferShapes } from '../../../src/nn/shapes.ts';
import { fromHost, noGrad } from '../../../src/tensor/index.ts';

/** One spec that fits its input, per registered type: a new layer type must add its own here. */
const bases: Record<string, { spec: Omit<ModuleSpec, 'type'>; input: number[] }> = {
  Linear: { spec: { in_features: 4, out_features: 3 }, input: [2, 4] },
  ReLU: { spec: {}, input: [2, 4] },
  LeakyReLU: { spec: { negative_slope: 0.2 }, input: [2, 4] },
  GELU: { spec: { approximate: 'tanh' }, input: [2, 4] },
  Tanh: { spec: {}, input: [2, 4] },
  Sigmoid: { spec: {}, input: [2, 4] },
  Dropout: { spec: { p: 0.25 }, input: [2, 4] },
  BatchNorm1d: { spec: { num_features: 4 }, input: [2, 4] },
  LayerNorm: { spec: { normalized_shape: [4] }, input: [2, 4] },
  Conv2d: { spec: { in_channels: 2, out_channels: 3, kernel_size: 3, padding: 1 }, input: [1, 2, 6, 6] },
  BatchNorm2d: { spec: { num_features: 2 }, input: [1, 2, 6, 6] },
  MaxPool2d: { spec: { kernel_size: 2 }, input: [1, 2, 6, 6] },
  AvgPool2d: { spec: { kernel_size: 2, padding: 1 }, input: [1, 2, 6, 6] },
  Flatten: { spec: { start_dim: 1 }, input: [1, 2, 6, 6] },
  Softmax: { spec: { dim: -1 }, input: [2, 4] },
  Embedding: { spec: { num_embeddings: 5, embedding_dim: 3, padding_idx: 1 }, input: [2, 4] },
  MultiheadAttention: { spec: { embed_dim: 4, num_heads: 2, batch_first: true }, input: [2, 3, 4] },
  TransformerEncoderLayer: {
    spec: { d_model: 4, nhead: 2, dim_feedforward: 8, dropout: 0, batch_first: true },
    input: [2, 3, 4],
  },
  GPT: {
    spec: { vocab_size: 5, block_size: 4, n_layer: 1, n_head: 2, n_embd: 4, dropout: 0, bias: true },
    input: [2, 3],
  },
};

/**
 * Values of every kind JSON can hold, right and wrong: each keyword of each type gets each of them. Small
 * ones: a size that fits is built for real.
 */
const values: unknown[] = [
  null,
  true,
  'x',
  'same',
  -1,
  0,
  1,
  2.5,
  [],
  [2],
  [2, 3],
  [0, 1],
  [2, 3, 4],
  ['a', 1],
  {},
];

const message = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
};

/** Forward on zeros: undefined when it runs, else torch's (or pthlab's) message. */
function runs(spec: ModuleSpec, input: number[]): { error?: string; output?: number[] } {
  const m = buildModule(spec).eval();
  const n = input.reduce((a, d) => a * d, 1);
  const int = layerType(spec.type)?.takes.dtype === 'int64';
  const x = fromHost(int ? new Int32Array(n) : new Float32Array(n), input);
  try {
    return { output: [...noGrad(() => m.forward(x)).shape] };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function malformed(type: string): ModuleSpec[] {
  const base: ModuleSpec = { type, ...bases[type]!.spec };
  const specs: ModuleSpec[] = [{ ...base, colour: 'red' }];
  for (const [name, k] of Object.entries(layerType(type)!.keywords)) {
    if (k.default === REQUIRED) {
      const { [name]: _gone, ...rest } = base;
      specs.push(rest as ModuleSpec);
    }
    for (const v of values) specs.push({ ...base, [name]: v });
  }
  return specs;
}

describe('the registry', () => {
  it('has a base case for every type, and every base fits', () => {
    expect(Object.keys(bases).sort()).toEqual(layerTypes.map((t) => t.type).sort());
    for (const t of layerTypes) {
      const { spec, input } = bases[t.type]!;
      const report = inferShapes({ type: t.type, ...spec }, input, { dtype: t.takes.dtype });
      expect(report.error, t.type).toBeUndefined();
    }
  });

  for (const t of layerTypes) {
    it(`${t.type}: build and inference refuse the same malformed specs in the same words`, () => {
      const { input } = bases[t.type]!;
      let refused = 0;
      for (const spec of malformed(t.type)) {
        const label = JSON.stringify(spec);
        const built = message(() => buildModule(spec));
        const report = inferShapes(spec, input, { dtype: t.takes.dtype });
        if (built !== undefined) {
          refused++;
          expect(report.error?.message, label).toBe(built);
          continue;
        }
        // It builds: then only its input can be at fault, and the module's forward agrees with inference.
        const run = runs(spec, input);
        if (report.error === undefined) expect(run, label).toEqual({ output: report.output });
        else expect(run.error, `${label}: inference says ${report.error.message}`).toBeDefined();
      }
      expect(refused, 'some malformed specs are refused').toBeGreaterThan(0);
      // A GPT builds whole models (about a hundred of them here): slow on a loaded machine, not stuck.
    }, 60_000);
  }

  it('no longer builds what inference refuses (the drift issue 14 found)', () => {
    const drifted: ModuleSpec[] = [
      { type: 'BatchNorm1d', num_features: 2.5 },
      { type: 'Embedding', num_embeddings: 0, embedding_dim: 3 },
      { type: 'GELU', approximate: 'sigmoid' },
      { type: 'Softmax' },
    ];
    expect(drifted.map((s) => message(() => buildModule(s)))).toEqual([
      'BatchNorm1d: num_features must be a positive integer, got 2.5',
      'Embedding: num_embeddings must be a positive integer, got 0',
      'approximate argument must be either none or tanh.',
      'Softmax: dim is required (torch would pick one implicitly)',
    ]);
  });

  it("declares each module's state_dict: names and shapes, and the parameter count", () => {
    for (const t of layerTypes) {
      const spec = { type: t.type, ...bases[t.type]!.spec };
      const { params, buffers = {}, tied = {} } = readLayer(spec).state;
      const declared = [...Object.entries(params), ...Object.entries(buffers), ...Object.entries(tied)];
      const module = buildModule(spec);
      expect(
        [...module.stateDict()].map(([k, v]) => [k, [...v.shape]]),
        t.type,
      ).toEqual(declared);
      expect(paramCount(readLayer(spec).state)).toBe(module.parameters().reduce((s, p) => s + p.numel, 0));
    }
  });

  it('pthlab_arch.py holds the table the registry generates (npm run gen:layers)', () => {
    const text = readFileSync(archFile, 'utf8');
    expect(text).toBe(withTable(text));
  });
});
