import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../../src/analysis/index.ts';
import {
  type PyDict,
  type StoredTensor,
  loadCheckpoint,
  saveTorchZip,
} from '../../../src/checkpoint/index.ts';
import { buildModule, toPyStateDict } from '../../../src/nn/index.ts';
import { Generator, cpu } from '../../../src/tensor/index.ts';
import { makeSynthetic } from '../../../src/train/datasets/index.ts';
import {
  averageFiles,
  evaluate,
  interpolate,
  lineAlphas,
  lossLine,
  modelFor,
  parseWeightList,
  readModelFile,
} from '../../../src/ui/fusion/line.ts';

const spec = {
  type: 'Sequential',
  layers: [
    { type: 'Linear', in_features: 2, out_features: 8 },
    { type: 'ReLU' },
    { type: 'Linear', in_features: 8, out_features: 3 },
  ],
};

async function file(name: string, seed: number, hidden = 8) {
  const s = {
    ...spec,
    layers: spec.layers.map((l, i) =>
      i === 0 ? { ...l, out_features: hidden } : i === 2 ? { ...l, in_features: hidden } : l,
    ),
  };
  const sd = await toPyStateDict(buildModule(s, { backend: cpu, generator: new Generator(seed) }));
  return readModelFile(name, saveTorchZip(sd));
}

const values = (sd: PyDict, key: string) =>
  Array.from((sd.get(key) as StoredTensor).toTypedArray() as Float32Array);

describe('the tools arithmetic', () => {
  const data = makeSynthetic('spirals', { n: 60, seed: 2 });

  it('spaces alphas so that 0 and 1 are exact', () => {
    const alphas = lineAlphas();
    expect(alphas).toHaveLength(41);
    expect(alphas[0]).toBe(-0.5);
    expect(alphas[10]).toBe(0);
    expect(alphas[30]).toBe(1);
    expect(alphas[40]).toBe(1.5);
    expect(lineAlphas(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('interpolates exactly at the ends and averages in between', async () => {
    const a = await file('a.pth', 1);
    const b = await file('b.pth', 2);
    expect(values(interpolate(a, b, 0), '0.weight')).toEqual(values(a.stateDict, '0.weight'));
    expect(values(interpolate(a, b, 1), '0.weight')).toEqual(values(b.stateDict, '0.weight'));
    const mid = values(interpolate(a, b, 0.5), '2.bias');
    const [x, y] = [values(a.stateDict, '2.bias'), values(b.stateDict, '2.bias')];
    mid.forEach((v, i) => expect(v).toBe(Math.fround(((x[i] as number) + (y[i] as number)) / 2)));
  });

  it('gives each end the loss of its own file', async () => {
    const a = await file('a.pth', 1);
    const b = await file('b.pth', 2);
    const line = await lossLine(a, b, spec, data, lineAlphas(0, 1, 3));
    expect(line.map((p) => p.alpha)).toEqual([0, 0.5, 1]);
    expect(line[0]?.loss).toBe((await evaluate(modelFor(spec, a.stateDict), data)).loss);
    expect(line[2]?.loss).toBe((await evaluate(modelFor(spec, b.stateDict), data)).loss);
    expect(line[1]?.accuracy).toBeGreaterThanOrEqual(0);
  });

  it('names the mismatched key', async () => {
    const a = await file('a.pth', 1);
    const c = await file('c.pth', 3, 4);
    expect(() => interpolate(a, c, 0.5)).toThrow(AnalysisError);
    expect(() => interpolate(a, c, 0.5)).toThrow(/size mismatch for 0\.weight/);
  });

  it('averages N files into a .pth that loads back', async () => {
    const files = [await file('a.pth', 1), await file('b.pth', 2), await file('c.pth', 3)];
    const { parts } = averageFiles(files, [0.5, 0.25, 0.25]);
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
    const back = loadCheckpoint(bytes).value as PyDict;
    const got = values(back, '0.bias');
    const want = files.map((f) => values(f.stateDict, '0.bias'));
    got.forEach((v, i) =>
      expect(v).toBe(Math.fround(0.5 * want[0]![i]! + 0.25 * want[1]![i]! + 0.25 * want[2]![i]!)),
    );
  });

  it('parses typed weights', () => {
    expect(parseWeightList('  ', 3)).toBeUndefined();
    expect(parseWeightList('0.5, 0.25 0.25', 3)).toEqual([0.5, 0.25, 0.25]);
    expect(() => parseWeightList('1,x', 2)).toThrow(/numbers/);
    expect(() => parseWeightList('1', 2)).toThrow(/one weight per file/);
  });
});
