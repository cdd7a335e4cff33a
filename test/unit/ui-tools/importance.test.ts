import { describe, expect, it } from 'vitest';
import { buildModule } from '../../../src/nn/index.ts';
import { Generator, cpu, fromHost } from '../../../src/tensor/index.ts';
import { computeLoss } from '../../../src/train/index.ts';
import {
  gradientValues,
  layerImportance,
  layerOf,
  parameterValues,
} from '../../../src/ui/importance/importance.ts';

describe('per-layer importance', () => {
  it('groups keys by layer', () => {
    expect(layerOf('0.weight')).toBe('0');
    expect(layerOf('features.3.bias')).toBe('features.3');
    expect(layerOf('scale')).toBe('(model)');
  });

  it('gives mean |w| and |Σ g·w| per layer', () => {
    const weights = new Map<string, number[]>([
      ['0.weight', [1, -3]],
      ['0.bias', [2]],
      ['2.weight', [0.5, -0.5]],
    ]);
    const grads = new Map<string, number[]>([
      ['0.weight', [1, 1]],
      ['0.bias', [-1]],
      ['2.weight', [2, 0]],
    ]);
    expect(layerImportance(weights)).toEqual([
      { layer: '0', params: 3, meanAbsWeight: 2, gradTimesWeight: undefined },
      { layer: '2', params: 2, meanAbsWeight: 0.5, gradTimesWeight: undefined },
    ]);
    const withGrad = layerImportance(weights, grads);
    expect(withGrad.map((l) => l.gradTimesWeight)).toEqual([4, 1]); // |1 - 3 - 2|, |1|
    grads.delete('0.bias');
    expect(layerImportance(weights, grads).map((l) => l.gradTimesWeight)).toEqual([undefined, 1]);
  });

  it('reads parameters and gradients from a module', async () => {
    const model = buildModule(
      { type: 'Sequential', layers: [{ type: 'Linear', in_features: 2, out_features: 3 }] },
      { backend: cpu, generator: new Generator(1) },
    );
    const x = fromHost(Float32Array.of(1, 2, -1, 0.5), [2, 2], { backend: cpu });
    const y = fromHost(Int32Array.of(0, 2), [2], { backend: cpu });
    computeLoss('cross_entropy', model.forward(x), y).backward();
    const w = await parameterValues(model);
    const g = await gradientValues(model);
    expect([...w.keys()]).toEqual(['0.weight', '0.bias']);
    expect(g.get('0.weight')).toHaveLength(6);
    const [layer] = layerImportance(w, g);
    let sum = 0;
    for (const k of ['0.weight', '0.bias']) w.get(k)!.forEach((v, i) => (sum += v * g.get(k)![i]!));
    expect(layer?.gradTimesWeight).toBeCloseTo(Math.abs(sum), 6);
  });
});
