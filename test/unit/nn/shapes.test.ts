/**
 * inferShapes against pthlab's own modules: every spec of test/support/shape-cases.ts is built layer by layer
 * with buildModule and run forward on zeros (CPU backend, eval mode); where the modules fit, the inferred
 * shapes and parameter counts must be theirs, and where a layer throws, inference must refuse that layer.
 * torch's wording is checked against real torch in test/torch/engine/shapes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type ModuleSpec, buildModule } from '../../../src/nn/index.ts';
import { describeShapeError, inferShapes } from '../../../src/nn/shapes.ts';
import { type Tensor, fromHost, noGrad } from '../../../src/tensor/index.ts';
import { type ShapeCase, fits, limits, misfits } from '../../support/shape-cases.ts';

type Run =
  { fits: true; shapes: number[][]; params: number[] } | { fits: false; failedAt: number; message: string };

/** Builds and runs each top-level layer in turn, so a failure names its layer. */
function runModules(c: ShapeCase): Run {
  const layers = c.spec.type === 'Sequential' ? (c.spec.layers as ModuleSpec[]) : [c.spec];
  const n = c.input.reduce((a, d) => a * d, 1);
  let x: Tensor = fromHost(c.dtype === 'int64' ? new Int32Array(n) : new Float32Array(n), [...c.input]);
  const shapes: number[][] = [];
  const params: number[] = [];
  for (const [i, spec] of layers.entries()) {
    try {
      const m = buildModule(spec).eval();
      x = noGrad(() => m.forward(x));
      shapes.push([...x.shape]);
      params.push(m.parameters().reduce((s, p) => s + p.numel, 0));
    } catch (e) {
      return { fits: false, failedAt: i, message: (e as Error).message };
    }
  }
  return { fits: true, shapes, params };
}

const infer = (c: ShapeCase) => inferShapes(c.spec, c.input, c.dtype === undefined ? {} : { dtype: c.dtype });

describe('inferShapes agrees with the modules', () => {
  for (const c of fits) {
    it(`fits: ${c.name}`, () => {
      const run = runModules(c);
      const report = infer(c);
      expect(run.fits, JSON.stringify(run)).toBe(true);
      if (!run.fits) return;
      expect(report.error).toBeUndefined();
      expect(report.layers.map((l) => l.output)).toEqual(run.shapes);
      expect(report.layers.map((l) => l.params)).toEqual(run.params);
      expect(report.output).toEqual(run.shapes.at(-1) ?? c.input);
      expect(report.params).toBe(run.params.reduce((a, b) => a + b, 0));
    });
  }

  for (const c of [...misfits, ...limits]) {
    it(`refuses: ${c.name}`, () => {
      const report = infer(c);
      expect(report.error, 'inference refuses it').toBeDefined();
      expect(report.output).toBeUndefined();
      const run = runModules(c);
      expect(run, 'the modules refuse it too').toMatchObject({ fits: false, failedAt: report.error?.index });
      // The layers before the one at fault are reported with their shapes.
      expect(report.layers.map((l) => l.index)).toEqual([...Array(report.error?.index ?? 0).keys()]);
    });
  }

  it('marks every pthlab limit as unsupported, and no misfit', () => {
    expect(limits.map((c) => infer(c).error?.unsupported)).toEqual(limits.map(() => true));
    const flagged = misfits.filter((c) => infer(c).error?.unsupported === true).map((c) => c.name);
    // A kernel of 0 is refused by torch at forward and by pthlab at once: only "unsupported" is safe there.
    expect(flagged).toEqual(['Conv2d kernel 0']);
  });
});

describe('inferShapes reports', () => {
  const mlp: ModuleSpec = {
    type: 'Sequential',
    layers: [
      { type: 'Linear', in_features: 2, out_features: 32 },
      { type: 'ReLU' },
      { type: 'Linear', in_features: 16, out_features: 10 },
    ],
  };

  it('names the layer by index and type, with a hint at the fix', () => {
    const e = inferShapes(mlp, [1, 2]).error;
    expect(e).toMatchObject({ index: 2, path: '2', type: 'Linear', wording: 'torch', unsupported: false });
    expect(describeShapeError(e!)).toBe(
      'layer 2 (Linear): mat1 and mat2 shapes cannot be multiplied (1x32 and 16x10)',
    );
    expect(e?.hint).toBe('in_features is 16, but its input has 32 features');
  });

  it('points at a Flatten when a Linear gets images', () => {
    const spec = {
      type: 'Sequential',
      layers: [
        { type: 'Conv2d', in_channels: 1, out_channels: 8, kernel_size: 3 },
        { type: 'Linear', in_features: 16, out_features: 10 },
      ],
    };
    expect(inferShapes(spec, [1, 1, 28, 28]).error?.hint).toBe(
      'its input has shape (1, 8, 26, 26): put a Flatten before it',
    );
  });

  it('gives the path inside a nested Sequential and the top-level index', () => {
    const spec = { type: 'Sequential', layers: [{ type: 'ReLU' }, { type: 'Sequential', layers: [mlp] }] };
    const e = inferShapes(spec, [1, 2]).error;
    expect([e?.index, e?.path, e?.type]).toEqual([1, '1.0.2', 'Linear']);
  });

  it("refuses a Sequential's own bad keywords at index -1", () => {
    const e = inferShapes({ type: 'Sequential', layers: [], name: 'x' }, [1, 2]).error;
    expect(e).toMatchObject({ index: -1, path: '', type: 'Sequential' });
    expect(inferShapes({ type: 'Sequential', layers: 3 }, [1, 2]).error?.message).toBe(
      'Sequential: layers must be a list of specs',
    );
  });

  it('refuses a layer that is not a spec object', () => {
    const e = inferShapes({ type: 'Sequential', layers: [{ type: 'ReLU' }, 7] }, [1, 2]).error;
    expect(e).toMatchObject({ index: 1, wording: 'pthlab' });
    expect(e?.message).toBe("a layer must be an object with a string 'type', got 7");
  });

  it('refuses what buildModule refuses, with its messages', () => {
    const bad: ModuleSpec[] = [
      { type: 'Linear', in_features: 'two', out_features: 3 },
      { type: 'Linear', in_features: 2, out_features: 3, bias: 'yes' },
      { type: 'Conv2d', in_channels: 1, out_channels: 2, kernel_size: [3, 3, 3] },
      { type: 'MaxPool2d', kernel_size: 2, ceil_mode: true },
      { type: 'BatchNorm1d', num_features: 2, momentum: 'fast' },
      { type: 'LayerNorm', normalized_shape: 'x' },
    ];
    for (const spec of bad) {
      let built: string | undefined;
      try {
        buildModule(spec);
      } catch (e) {
        built = (e as Error).message;
      }
      expect(built, JSON.stringify(spec)).toBeDefined();
      expect(inferShapes(spec, [1, 2, 4, 4]).error?.message).toBe(built);
    }
  });
});
