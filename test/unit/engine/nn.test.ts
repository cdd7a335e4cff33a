import { describe, expect, it } from 'vitest';
import type { StoredTensor } from '../../../src/checkpoint/values.ts';
import { PyDict } from '../../../src/checkpoint/values.ts';
import {
  BatchNorm1d,
  Linear,
  ReLU,
  Sequential,
  StateDictError,
  buildModule,
  fromPyStateDict,
  toPyStateDict,
} from '../../../src/nn/index.ts';
import { F, Generator, type Tensor, ones, tensor, zeros } from '../../../src/tensor/index.ts';

const snapshot = (m: { stateDict(): Map<string, Tensor> }) =>
  [...m.stateDict()].map(([k, t]) => [k, [...t.dataSync()]] as const);

describe('Module', () => {
  const model = () =>
    new Sequential(new Linear(2, 3), new BatchNorm1d(3), new ReLU(), new Linear(3, 1, false));

  it('names parameters, buffers and state_dict keys as torch', () => {
    const m = model();
    expect(m.namedParameters().map(([k]) => k)).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '3.weight',
    ]);
    expect([...m.stateDict().keys()]).toEqual([
      '0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '3.weight',
    ]); // prettier-ignore
    const nbt = m.stateDict().get('1.num_batches_tracked')!;
    expect([nbt.dtype, nbt.shape]).toEqual(['int64', []]);
    expect([...m.stateDictMetadata()]).toEqual([
      ['', { version: 1 }], ['0', { version: 1 }], ['1', { version: 2 }], ['2', { version: 1 }], ['3', { version: 1 }],
    ]); // prettier-ignore
  });

  it('train()/eval() reach every child; zeroGrad clears to null', () => {
    const m = model();
    m.eval();
    expect([...m.namedModules()].every(([, c]) => !c.training)).toBe(true);
    m.train();
    m.forward(tensor([1, 2, 3, 4, 5, 6], [3, 2]))
      .sum()
      .backward();
    expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('BatchNorm counts batches and updates running stats only in training', () => {
    const m = model();
    const x = tensor([1, 2, 3, 4, 5, 7], [3, 2]);
    m.forward(x);
    m.forward(x);
    expect(m.stateDict().get('1.num_batches_tracked')!.item()).toBe(2);
    const before = snapshot(m);
    m.eval().forward(x);
    expect(snapshot(m)).toEqual(before);
  });

  it("reports missing, unexpected and size-mismatched keys in torch's words, and changes nothing", () => {
    const m = model();
    const before = snapshot(m);
    const sd = m.stateDict();
    sd.delete('0.bias');
    sd.set('0.weight', zeros([3, 3]));
    sd.set('extra', ones([1]));
    sd.set('1.weight', ones([3]).mul(7)); // valid, but must not be copied since the load fails
    expect(() => m.loadStateDict(sd)).toThrow(
      new StateDictError(
        'Error(s) in loading state_dict for Sequential:\n\t' +
          'Missing key(s) in state_dict: "0.bias". \n\t' +
          'Unexpected key(s) in state_dict: "extra". \n\t' +
          'size mismatch for 0.weight: copying a param with shape torch.Size([3, 3]) from checkpoint, ' +
          'the shape in current model is torch.Size([3, 2]).',
      ),
    );
    expect(snapshot(m)).toEqual(before);
  });

  it('strict=false returns the incompatible keys and loads the rest in place', () => {
    const m = model();
    const weight = m.namedParameters()[0]![1];
    const sd = new Map([
      ['0.weight', ones([3, 2])],
      ['0.nope.x', ones([1])],
    ]);
    expect(m.loadStateDict(sd, { strict: false })).toEqual({
      // No _metadata: BatchNorm fills in num_batches_tracked itself, as torch does.
      missingKeys: ['0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '3.weight'],
      unexpectedKeys: ['0.nope.x'],
    });
    expect([...weight.dataSync()]).toEqual([1, 1, 1, 1, 1, 1]); // same tensor object, new values
  });

  it('fills num_batches_tracked for BatchNorm checkpoints older than version 2, as torch', () => {
    const m = model();
    const sd = m.stateDict();
    sd.delete('1.num_batches_tracked');
    expect(() => m.loadStateDict(sd, { metadata: new Map([['1', { version: 2 }]]) })).toThrow(
      /Missing key\(s\) in state_dict: "1.num_batches_tracked"/,
    );
    expect(() => m.loadStateDict(sd, { metadata: new Map([['1', { version: 1 }]]) })).not.toThrow();
    expect(() => m.loadStateDict(sd)).not.toThrow();
  });
});

describe('state_dict <-> checkpoint values', () => {
  it('round-trips through the value model with _metadata and int64 counts', async () => {
    const m = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
    m.forward(tensor([1, 2, 3, 5], [2, 2]));
    const py = await toPyStateDict(m);
    expect(py.kind).toBe('OrderedDict');
    const md = py.attributes?.get('_metadata') as PyDict;
    expect([...md.keys()]).toEqual(['', '0', '1']);
    expect((md.get('1') as PyDict).get('version')).toBe(2n);
    const nbt = py.get('1.num_batches_tracked') as StoredTensor;
    expect([
      nbt.dtype.name,
      nbt.shape,
      [...new BigInt64Array(new Uint8Array(nbt.contiguousBytes()).buffer)],
    ]).toEqual(['int64', [], [1n]]);
    const other = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
    const { stateDict, metadata } = fromPyStateDict(py);
    other.loadStateDict(stateDict, metadata === undefined ? {} : { metadata });
    expect(snapshot(other)).toEqual(snapshot(m));
  });

  it('rejects a non-tensor value with torch wording', () => {
    const py = new PyDict('OrderedDict', [['w', 1.5]]);
    expect(() => fromPyStateDict(py)).toThrow(
      'While copying the parameter named "w", expected torch.Tensor or Tensor-like object from checkpoint but received <class \'float\'>',
    );
  });
});

describe('buildModule and init', () => {
  it("builds from torch's class and keyword names and rejects unknown ones", () => {
    const m = buildModule({
      type: 'Sequential',
      layers: [{ type: 'Linear', in_features: 2, out_features: 16 }, { type: 'ReLU' }],
    });
    expect([...m.stateDict().keys()]).toEqual(['0.weight', '0.bias']);
    expect(() => buildModule({ type: 'Linear', in_features: 2, out_features: 3, bais: true })).toThrow(
      "Linear.__init__() got an unexpected keyword argument 'bais'",
    );
    expect(() => buildModule({ type: 'Transformer' })).toThrow(/unknown module type/);
  });

  it('draws Linear weights and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in))', () => {
    const lin = new Linear(64, 256, true, { generator: new Generator(7) });
    const bound = 1 / 8;
    for (const p of lin.parameters()) {
      const v = [...p.dataSync()];
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(bound * 0.9);
    }
    const w = [...lin.weight.dataSync()];
    const std = Math.sqrt(w.reduce((a, x) => a + x * x, 0) / w.length);
    expect(std).toBeCloseTo(bound / Math.sqrt(3), 2);
  });

  it('dropout keeps about 1-p of the elements, scaled by 1/(1-p), and is the identity in eval', () => {
    const x = ones([10000]);
    const y = [...F.dropout(x, 0.3, true, new Generator(1)).dataSync()];
    const kept = y.filter((v) => v !== 0);
    expect(kept.length / y.length).toBeCloseTo(0.7, 1);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.7)]));
    expect(F.dropout(x, 0.3, false)).toBe(x);
  });
});
