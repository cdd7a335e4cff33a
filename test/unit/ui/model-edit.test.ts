/**
 * The model editor's operations (src/ui/model-editor/edit.ts): each returns a new spec whose derived input
 * sizes follow the layers before them, so an edit in one row keeps the rest fitting; what cannot be derived
 * is left for shape inference to name. Every spec an edit produces is also built with buildModule and run
 * forward, so "fits" here means pthlab's own modules take it.
 */
import { describe, expect, it } from 'vitest';
import { type ModuleSpec, buildModule } from '../../../src/nn/index.ts';
import { inferShapes } from '../../../src/nn/shapes.ts';
import { fromHost, noGrad } from '../../../src/tensor/index.ts';
import { presetSpec } from '../../../src/train/presets.ts';
import {
  addableTypes,
  checkFit,
  derive,
  fieldText,
  insertLayer,
  moveLayer,
  newLayer,
  parseArchitecture,
  parseField,
  removeLayer,
  setField,
  sizeFields,
} from '../../../src/ui/model-editor/edit.ts';

const spirals = [1, 2];
const mnist = [1, 1, 28, 28];
const mlp = presetSpec('mlp', { features: 2, outputs: 3 });
const cnn = presetSpec('cnn', { features: 784, outputs: 10, imageShape: [1, 28, 28] });
const layers = (spec: ModuleSpec) => spec.layers as ModuleSpec[];

/** The output shape pthlab's modules give for zeros of `shape`. */
function forwardShape(spec: ModuleSpec, shape: readonly number[]): number[] {
  const x = fromHost(new Float32Array(shape.reduce((a, d) => a * d, 1)), [...shape]);
  return [...noGrad(() => buildModule(spec).eval().forward(x)).shape];
}

describe('edits keep derived sizes in step', () => {
  it('resizing a hidden layer resizes the next input', () => {
    const spec = setField(mlp, 0, 'out_features', 40, spirals);
    expect(layers(spec)[0]?.out_features).toBe(40);
    expect(layers(spec)[2]?.in_features).toBe(40);
    expect(checkFit(spec, spirals, 3).ok).toBe(true);
    expect(forwardShape(spec, spirals)).toEqual([1, 3]);
    expect(mlp.layers).toEqual(presetSpec('mlp', { features: 2, outputs: 3 }).layers); // not mutated
  });

  it('adds a layer with its input size taken from the layer before', () => {
    const spec = insertLayer(mlp, 2, 'Linear', spirals);
    expect(layers(spec).map((l) => l.type)).toEqual(['Linear', 'ReLU', 'Linear', 'Linear']);
    expect(layers(spec)[2]).toEqual({ ...newLayer('Linear'), in_features: 16 });
    expect(layers(spec)[3]?.in_features).toBe(layers(spec)[2]?.out_features);
    expect(checkFit(spec, spirals, 3).ok).toBe(true);
    expect(forwardShape(spec, spirals)).toEqual([1, 3]);
  });

  it('removing a layer re-derives the one that follows', () => {
    const deep = presetSpec('deep', { features: 2, outputs: 3 });
    const spec = removeLayer(removeLayer(deep, 2, spirals), 2, spirals); // drops Linear(32, 32) and its ReLU
    expect(layers(spec).length).toBe(layers(deep).length - 2);
    expect(checkFit(spec, spirals, 3).ok).toBe(true);
    const noHidden = removeLayer(removeLayer(mlp, 0, spirals), 0, spirals);
    expect(layers(noHidden)).toEqual([{ type: 'Linear', in_features: 2, out_features: 3 }]);
  });

  it('moves layers within the list and re-derives', () => {
    const withNorm = insertLayer(mlp, 1, 'BatchNorm1d', spirals);
    const moved = moveLayer(withNorm, 1, 1, spirals);
    expect(layers(moved).map((l) => l.type)).toEqual(['Linear', 'ReLU', 'BatchNorm1d', 'Linear']);
    expect(moveLayer(moved, 0, -1, spirals)).toEqual(moved);
    expect(moveLayer(moved, 3, 1, spirals)).toEqual(moved);
    expect(forwardShape(moved, spirals)).toEqual([1, 3]);
  });

  it('carries a conv width change through norms and the Flatten to the Linear', () => {
    const withNorm = insertLayer(cnn, 4, 'BatchNorm2d', mnist);
    const spec = setField(withNorm, 3, 'out_channels', 5, mnist);
    const [norm, , , , linear] = layers(spec).slice(4);
    expect(norm?.num_features).toBe(5);
    const flat = inferShapes({ type: 'Sequential', layers: layers(spec).slice(0, -1) }, mnist).output;
    expect(linear?.in_features).toBe(flat?.[1]);
    expect(checkFit(spec, mnist, 10).ok).toBe(true);
    expect(forwardShape(spec, mnist)).toEqual([1, 10]);
  });

  it('leaves a Linear on 4-D input alone, and the misfit is named on its row', () => {
    const noFlatten = removeLayer(cnn, 6, mnist);
    const linear = layers(noFlatten)[6];
    expect(linear).toEqual(layers(cnn)[7]);
    const fit = checkFit(noFlatten, mnist, 10);
    expect(fit.ok).toBe(false);
    expect(fit.report.error).toMatchObject({ index: 6, type: 'Linear' });
    expect(fit.report.error?.hint).toMatch(/put a Flatten before it$/);
    expect(() => forwardShape(noFlatten, mnist)).toThrow();
  });

  it('derives nothing after a misfit', () => {
    const broken: ModuleSpec = {
      type: 'Sequential',
      layers: [
        { type: 'Conv2d', in_channels: 1, out_channels: 4, kernel_size: 3 },
        { type: 'Linear', in_features: 9, out_features: 8 },
        { type: 'Linear', in_features: 5, out_features: 3 },
      ],
    };
    expect(derive(broken, [1, 2])).toEqual(broken);
  });

  it('a new layer of every addable type fits after the hidden layer, or names its misfit', () => {
    for (const type of addableTypes) {
      const spec = insertLayer(mlp, 2, type, spirals);
      const fit = checkFit(spec, spirals, 3);
      let modules: string | undefined;
      try {
        forwardShape(spec, spirals);
      } catch (e) {
        modules = (e as Error).message;
      }
      // Where pthlab's modules refuse, inference refuses; where they run, only the output count may differ.
      expect(fit.report.error === undefined, `${type}: ${modules}`).toBe(modules === undefined);
    }
  });
});

describe('fields', () => {
  const conv = sizeFields('Conv2d');
  const field = (key: string) => conv.find((f) => f.key === key)!;

  it('parses ints, pairs, padding names and empty optional values', () => {
    expect(parseField(field('out_channels'), ' 12 ')).toEqual({ ok: true, value: 12 });
    expect(parseField(field('kernel_size'), '3, 5')).toEqual({ ok: true, value: [3, 5] });
    expect(parseField(field('kernel_size'), '3x5')).toEqual({ ok: true, value: [3, 5] });
    expect(parseField(field('padding'), 'same')).toEqual({ ok: true, value: 'same' });
    expect(parseField(field('stride'), '')).toEqual({ ok: true, value: undefined });
    expect(parseField(sizeFields('Dropout')[0]!, '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(parseField(sizeFields('Softmax')[0]!, '-1')).toEqual({ ok: true, value: -1 });
  });

  it('refuses text that is not of the field kind', () => {
    expect(parseField(field('out_channels'), '')).toEqual({ ok: false, error: 'required' });
    expect(parseField(field('out_channels'), '2.5').ok).toBe(false);
    expect(parseField(field('kernel_size'), '3, 5, 7').ok).toBe(false);
    expect(parseField(field('kernel_size'), 'same').ok).toBe(false);
    expect(parseField(sizeFields('Dropout')[0]!, 'half').ok).toBe(false);
  });

  it('drops a key set to its default, and shows the default when absent', () => {
    const spec = setField(cnn, 0, 'stride', 1, mnist);
    expect('stride' in layers(spec)[0]!).toBe(false);
    expect(fieldText(layers(spec)[0]!, field('stride'))).toBe('1');
    const pool = sizeFields('MaxPool2d').find((f) => f.key === 'stride')!;
    expect(fieldText(layers(cnn)[2]!, pool)).toBe('');
    const strided = setField(cnn, 2, 'stride', [2, 1], mnist);
    expect(fieldText(layers(strided)[2]!, pool)).toBe('2, 1');
    expect('stride' in layers(setField(strided, 2, 'stride', undefined, mnist))[2]!).toBe(false);
  });
});

describe('the architecture JSON', () => {
  it('parses a Sequential and refuses anything else, saying why', () => {
    expect(parseArchitecture(JSON.stringify(mlp))).toEqual({ ok: true, spec: mlp });
    const bad = parseArchitecture('{"type": "Sequential", "layers": [');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^the JSON does not parse: /);
    expect(parseArchitecture('[1]')).toEqual({ ok: false, error: 'the architecture must be a JSON object' });
    expect(parseArchitecture('{"type": "Linear", "in_features": 2, "out_features": 3}').ok).toBe(false);
  });
});

describe('checkFit', () => {
  it('names a wrong number of outputs in the words of the task', () => {
    const two = setField(mlp, 2, 'out_features', 2, spirals);
    expect(checkFit(two, spirals, 3).modelProblem).toBe(
      'the last layer gives 2 outputs; the data has 3 classes',
    );
    expect(checkFit(mlp, [1, 2], 1, 'regression').modelProblem).toBe(
      'the last layer gives 3 outputs; the data needs 1',
    );
    expect(checkFit(two, spirals, 3).ok).toBe(false);
  });

  it('refuses outputs that are not (batch, outputs), empty models and models with nothing to train', () => {
    const noFlatten = { type: 'Sequential', layers: layers(cnn).slice(0, 6) };
    const out = forwardShape(noFlatten, mnist);
    expect(checkFit(noFlatten, mnist, 10).modelProblem).toBe(
      `the model's output has shape (${out.join(', ')}); the data needs (1, 10): a Flatten may be missing`,
    );
    expect(checkFit({ type: 'Sequential', layers: [] }, [1, 3], 3).modelProblem).toBe(
      'the model has no layers',
    );
    expect(checkFit({ type: 'Sequential', layers: [{ type: 'ReLU' }] }, [1, 3], 3).modelProblem).toBe(
      'the model has no parameters to train',
    );
  });

  it('a layer misfit is the report error, with no model problem on top', () => {
    const fit = checkFit(setField(mlp, 2, 'in_features', 9, spirals), spirals, 3);
    // in_features is derived again by setField, so this still fits.
    expect(fit.ok).toBe(true);
    const typed = { type: 'Sequential', layers: [layers(mlp)[0]!, { ...layers(mlp)[2]!, in_features: 9 }] };
    const misfit = checkFit(typed, spirals, 3);
    expect([misfit.ok, misfit.report.error?.index, misfit.modelProblem]).toEqual([false, 1, undefined]);
  });
});
