/**
 * The plain TypeScript under the tools page's model-management sections: the loss barrier of a line, which
 * architectures have a BatchNorm to fold, a fold's equality, and the ends of the sparsity curve.
 */
import { describe, expect, it } from 'vitest';
import { buildModule, toPyStateDict } from '../../../src/nn/index.ts';
import { Generator, cpu } from '../../../src/tensor/index.ts';
import { makeSynthetic } from '../../../src/train/datasets/index.ts';
import {
  batchNormSpec,
  foldReport,
  hasFoldablePair,
  trainBatchNormModel,
} from '../../../src/ui/fold/fold.ts';
import { evaluate, lossBarrier, modelFor } from '../../../src/ui/fusion/line.ts';
import { sparsityCurves } from '../../../src/ui/sparsity/sparsity.ts';

const data = makeSynthetic('moons', { n: 60, noise: 0.1, seed: 4 });
const point = (alpha: number, loss: number) => ({ alpha, loss, accuracy: undefined });

describe('lossBarrier', () => {
  it('is the largest rise above the straight line between the ends, inside [0, 1] only', () => {
    // Ends 1 and 3: the chord is 1 + 2α. At α = 0.5 the loss 2.5 is 0.5 above it; α = 1.5 is outside.
    const line = [point(-0.5, 9), point(0, 1), point(0.25, 1.6), point(0.5, 2.5), point(1, 3), point(1.5, 9)];
    expect(lossBarrier(line)).toBeCloseTo(0.5, 12);
    expect(lossBarrier([point(0, 1), point(0.5, 1), point(1, 3)])).toBe(0); // below the chord
    expect(lossBarrier([point(0, 1), point(0.5, 2)])).toBeUndefined();
  });
});

describe('BatchNorm folding as the page shows it', () => {
  it('finds a Linear → BatchNorm1d pair, and none in a plain MLP', () => {
    expect(hasFoldablePair(batchNormSpec(data))).toBe(true);
    const mlp = { type: 'Sequential', layers: [{ type: 'Linear', in_features: 2, out_features: 2 }] };
    expect(hasFoldablePair(mlp)).toBe(false);
  });

  it('folds a trained model with equal outputs and scores the wrong fold on its own', async () => {
    const { spec, stateDict } = await trainBatchNormModel(data, 20);
    const report = await foldReport(spec, stateDict, data, 8);
    expect(report.fold.folded).toEqual([[0, 1]]);
    expect(report.maxDifference).toBeLessThan(1e-5);
    expect(report.folded.accuracy).toBe(report.original.accuracy);
    expect(report.batchRows).toBe(8);
    // Eight rows' statistics are not the running ones: the wrong fold is another model.
    expect(report.wrong.loss).not.toBeCloseTo(report.original.loss, 5);
  });
});

describe('sparsityCurves', () => {
  it('starts at the model itself and ends at the last amount, for l1 and Taylor', async () => {
    const spec = {
      type: 'Sequential',
      layers: [
        { type: 'Linear', in_features: 2, out_features: 8 },
        { type: 'ReLU' },
        { type: 'Linear', in_features: 8, out_features: 2 },
      ],
    };
    const stateDict = await toPyStateDict(buildModule(spec, { backend: cpu, generator: new Generator(1) }));
    const own = await evaluate(modelFor(spec, stateDict), data);
    const curves = await sparsityCurves(spec, stateDict, data, [0, 0.5, 1]);
    expect(curves.map((c) => c.method)).toEqual(['l1', 'taylor']);
    for (const c of curves) {
      expect(c.points.map((p) => p.sparsity)).toEqual([0, 0.5, 1]);
      expect(c.points[0]?.loss).toBe(own.loss);
      // Every weight zero leaves only the biases: each row gets the same output, so one class for all.
      expect(c.points[2]?.accuracy).toBeCloseTo(0.5, 1);
    }
  });
});
