/**
 * What `<pth-network>` draws, from the architecture and the weights: columns and edges for an MLP and a CNN,
 * and each unit's activation over the plane computed as the model computes it (checked against its forward).
 */
import { describe, expect, it } from 'vitest';
import { buildModule } from '../../../src/nn/index.ts';
import { Generator, fromHost, noGrad } from '../../../src/tensor/index.ts';
import { presetSpec } from '../../../src/train/presets.ts';
import { describeGpt, describeNetwork, gptSentence, unitMaps } from '../../../src/ui/network/picture.ts';
import { weightsFromModule } from '../../../src/ui/weights/from-module.ts';

describe('the network picture', () => {
  it('draws an MLP as columns of units with its weight matrices as edges', async () => {
    const spec = presetSpec('mlp', { features: 2, outputs: 3 });
    const model = buildModule(spec, { generator: new Generator(1) });
    const weights = await weightsFromModule(model);
    const p = describeNetwork(spec, [1, 2], weights);
    expect(p.columns.map((c) => [c.label, c.units, c.after])).toEqual([
      ['2 inputs', 2, []],
      ['Linear 16', 16, ['ReLU']],
      ['Linear 3', 3, []],
    ]);
    expect(p.edges.map((e) => [e.from, e.weight.length])).toEqual([
      [0, 32],
      [1, 48],
    ]);
    expect(p.edges[1]?.weight).toEqual(weights.find((w) => w.name === '2.weight')?.data);
  });

  it('draws a CNN as channel columns, each kernel summed to one edge, and no edges across a Flatten', async () => {
    const spec = presetSpec('cnn', { features: 784, outputs: 10, imageShape: [1, 28, 28] });
    const weights = await weightsFromModule(buildModule(spec, { generator: new Generator(1) }));
    const p = describeNetwork(spec, [1, 1, 28, 28], weights);
    expect(p.columns.map((c) => c.label)).toEqual([
      'input 1×28×28',
      'Conv2d 8 ch',
      'Conv2d 16 ch',
      'Linear 10',
    ]);
    expect(p.columns[2]?.after).toEqual(['ReLU', 'MaxPool2d', 'Flatten']);
    expect(p.edges.map((e) => e.from)).toEqual([0, 1]);
    const kernel = weights.find((w) => w.name === '0.weight')?.data as Float32Array;
    expect(p.edges[0]?.weight[0]).toBeCloseTo(
      kernel.slice(0, 9).reduce((a, b) => a + b),
      5,
    );
  });

  it("computes each output unit's map as the model's forward pass does", async () => {
    const spec = presetSpec('deep', { features: 2, outputs: 2 });
    const model = buildModule(spec, { generator: new Generator(3) }).eval();
    const weights = await weightsFromModule(model);
    const bounds = { xMin: -2, xMax: 2, yMin: -1, yMax: 1 };
    const maps = unitMaps(spec, weights, bounds, 4);
    expect(maps?.map((column) => column.length)).toEqual([2, 32, 32, 32, 2]);
    // Cell (row 1, col 2) lies at x = -2 + 2.5/4 * 4, y = 1 - 1.5/4 * 2.
    const out = await noGrad(() => model.forward(fromHost(Float32Array.of(0.5, 0.25), [1, 2]))).data();
    expect(maps?.[4]?.[0]?.[1 * 4 + 2]).toBeCloseTo(out[0] as number, 4);
    expect(maps?.[4]?.[1]?.[1 * 4 + 2]).toBeCloseTo(out[1] as number, 4);
    expect(
      unitMaps(presetSpec('cnn', { features: 784, outputs: 10, imageShape: [1, 28, 28] }), [], bounds, 4),
    ).toBe(undefined);
  });

  it('draws a GPT as its stack, with the parameter count of the model it builds (lm_head tied to wte)', () => {
    const spec = presetSpec('gpt-baby', { features: 0, outputs: 65 });
    const p = describeNetwork(spec, [], []);
    expect(p.columns).toEqual([]);
    expect(p.gpt).toEqual({
      vocab: 65,
      context: 64,
      width: 128,
      heads: 4,
      headSize: 32,
      layers: 4,
      hidden: 512,
      bias: true,
      parameters: p.gpt?.parameters,
    });
    const model = buildModule(spec, { generator: new Generator(1) });
    const unique = new Set(model.parameters());
    const count = [...unique].reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    expect(p.gpt?.parameters).toBe(count);
    const noBias = describeGpt({ ...spec, bias: false, n_layer: 1 });
    const built = buildModule({ ...spec, bias: false, n_layer: 1 }, { generator: new Generator(1) });
    expect(noBias.parameters).toBe(
      [...new Set(built.parameters())].reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0),
    );
    expect(gptSentence(describeGpt({ ...spec, n_layer: 1 }))).toBe(
      'GPT of 215k parameters: token embedding wte (65 characters × 128) + position embedding wpe ' +
        '(64 positions × 128) → 1 block, each: ln_1 → causal self-attention (4 heads of 32) → + residual, ' +
        'ln_2 → MLP 128 → 512 (GELU) → 128 → + residual → ln_f → lm_head (128 → 65 logits, its weight tied to wte)',
    );
  });
});
