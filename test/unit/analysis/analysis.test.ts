import { describe, expect, it } from 'vitest';
import { PyDict, Storage, StoredTensor, dtypeInfo } from '../../../src/checkpoint/index.ts';
import {
  AnalysisError,
  diffStateDicts,
  differs,
  fuseStateDicts,
  readProvenance,
  stateDictOf,
  tensorStats,
} from '../../../src/analysis/index.ts';

const f32 = (...v: number[]) =>
  new StoredTensor(new Storage(dtypeInfo('float32'), new Uint8Array(Float32Array.from(v).buffer)), [
    v.length,
  ]);
const i64 = (v: bigint) =>
  new StoredTensor(new Storage(dtypeInfo('int64'), new Uint8Array(BigInt64Array.of(v).buffer)), []);
const sd = (entries: [string, StoredTensor][]) => new PyDict('OrderedDict', entries);
const values = (t: unknown) =>
  Array.from((t as StoredTensor).toTypedArray() as ArrayLike<number | bigint>, Number);

describe('tensorStats', () => {
  it('counts NaN, Inf and zeros; moments over the finite elements', () => {
    const s = tensorStats(f32(1, NaN, Infinity, 0, 3, 0));
    expect(s).toMatchObject({
      numel: 6,
      nanCount: 1,
      infCount: 1,
      zeroFraction: 2 / 6,
      min: 0,
      max: 3,
      mean: 1,
    });
    expect(s.std).toBeCloseTo(Math.sqrt(((0 + 1 + 1 + 4) as number) / 3), 12);
    expect(s.norm).toBeCloseTo(Math.sqrt(10), 12);
  });
  it('std of one element is NaN, as torch.std', () => {
    expect(tensorStats(f32(2)).std).toBeNaN();
  });
});

describe('fuseStateDicts', () => {
  it('averages floats with the weights and takes the maximum of integer buffers, saying so', () => {
    const a = sd([
      ['w', f32(1, 2)],
      ['n', i64(3n)],
    ]);
    const b = sd([
      ['w', f32(3, 6)],
      ['n', i64(5n)],
    ]);
    const fused = fuseStateDicts(
      [
        { name: 'a', stateDict: a },
        { name: 'b', stateDict: b },
      ],
      [0.25, 0.75],
    );
    expect(values(fused.stateDict.get('w'))).toEqual([2.5, 5]);
    expect(values(fused.stateDict.get('n'))).toEqual([5]);
    expect(fused.notes.join()).toContain('maximum');
    expect(fused.stateDict.kind).toBe('OrderedDict');
  });
  it('names missing and unexpected keys and shape mismatches', () => {
    const a = sd([
      ['w', f32(1, 2)],
      ['x', f32(1)],
    ]);
    const b = sd([
      ['w', f32(1, 2, 3)],
      ['y', f32(1)],
    ]);
    const run = () =>
      fuseStateDicts([
        { name: 'A', stateDict: a },
        { name: 'B', stateDict: b },
      ]);
    expect(run).toThrow(AnalysisError);
    expect(run).toThrow(/B: missing keys x[\s\S]*B: unexpected keys y[\s\S]*size mismatch for w/);
  });
  it('refuses a weight count that does not match', () => {
    const a = sd([['w', f32(1)]]);
    expect(() =>
      fuseStateDicts(
        [
          { name: 'a', stateDict: a },
          { name: 'b', stateDict: a },
        ],
        [1],
      ),
    ).toThrow('--weights has 1 numbers for 2 checkpoints');
  });
});

describe('diffStateDicts', () => {
  it('reports relative change and the keys only one side has', () => {
    const d = diffStateDicts(
      sd([
        ['w', f32(3, 4)],
        ['a', f32(1)],
      ]),
      sd([
        ['w', f32(3, 4.5)],
        ['b', f32(1)],
      ]),
    );
    expect(d.map((x) => [x.key, x.kind])).toEqual([
      ['w', 'values'],
      ['a', 'only-a'],
      ['b', 'only-b'],
    ]);
    const w = d[0] as { relChange: number; maxAbs: number };
    expect(w.relChange).toBeCloseTo(0.1, 12);
    expect(w.maxAbs).toBe(0.5);
    expect(d.filter(differs)).toHaveLength(3);
  });
});

describe('provenance and state_dict extraction', () => {
  const general = (format: bigint) =>
    new PyDict('dict', [
      ['step', 5n],
      ['model_state_dict', sd([['w', f32(1)]])],
      ['arch', '{"type": "Linear", "in_features": 1, "out_features": 1}'],
      [
        'pthlab',
        new PyDict('dict', [
          ['version', '9.0.0'],
          ['format_version', format],
        ]),
      ],
    ]);
  it('shows version, format_version and arch; warns on a newer format', () => {
    const p = readProvenance(general(1n));
    expect(p?.fields).toEqual([
      ['version', '9.0.0'],
      ['format_version', '1'],
    ]);
    expect(p?.arch).toBe('{"type":"Linear","in_features":1,"out_features":1}');
    expect(p?.warnings).toEqual([]);
    expect(readProvenance(general(7n))?.warnings.join()).toMatch(/format_version 7, newer than the 1/);
  });
  it('a bare state_dict says nothing about its origin', () => {
    expect(readProvenance(sd([['w', f32(1)]]))).toBeUndefined();
  });
  it('takes the model_state_dict of a general checkpoint', () => {
    expect(stateDictOf(general(1n), 'f').general).toBe(true);
    expect(() => stateDictOf(new PyDict('dict', [['x', 1n]]), 'f')).toThrow(/not a state_dict/);
  });
});
