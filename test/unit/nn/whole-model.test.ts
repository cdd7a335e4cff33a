/**
 * The whole-model writer without torch (test/torch/manage/whole-model.test.ts loads it in torch): pthlab
 * reads its own file back as the same state_dict; a state_dict that does not fit the architecture, and an
 * architecture with no torch.nn class, are refused by name; the plain writer still refuses objects.
 */
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  loadCheckpoint,
  PyDict,
  PyObject,
  saveTorchZip,
  Storage,
  StoredTensor,
  dtypeInfo,
} from '../../../src/checkpoint/index.ts';
import {
  NoTorchClassError,
  saveWholeModel,
  WholeModelError,
  wholeModelClasses,
  type ModuleSpec,
} from '../../../src/nn/index.ts';

const arch: ModuleSpec = {
  type: 'Sequential',
  layers: [
    { type: 'Linear', in_features: 3, out_features: 2 },
    { type: 'BatchNorm1d', num_features: 2 },
    { type: 'ReLU' },
  ],
};

function tensor(shape: number[], dtype: 'float32' | 'int64' = 'float32', start = 0): StoredTensor {
  const numel = shape.reduce((a, b) => a * b, 1);
  const data =
    dtype === 'float32'
      ? new Float32Array(numel).map((_, i) => start + i / 8)
      : new BigInt64Array(numel).fill(BigInt(start));
  return new StoredTensor(new Storage(dtypeInfo(dtype), new Uint8Array(data.buffer)), shape);
}

function stateDict(): PyDict {
  return new PyDict('OrderedDict', [
    ['0.weight', tensor([2, 3])],
    ['0.bias', tensor([2], 'float32', 1)],
    ['1.weight', tensor([2], 'float32', 2)],
    ['1.bias', tensor([2], 'float32', 3)],
    ['1.running_mean', tensor([2], 'float32', 4)],
    ['1.running_var', tensor([2], 'float32', 5)],
    ['1.num_batches_tracked', tensor([], 'int64', 7)],
  ]);
}

const bytesOf = (t: unknown) => Array.from((t as StoredTensor).contiguousBytes());

describe('saveWholeModel', () => {
  it('reads back as the same state_dict, with the root class named', () => {
    const sd = stateDict();
    const loaded = loadCheckpoint(saveWholeModel(arch, sd));
    expect(loaded.wholeModelClass).toBe('torch.nn.modules.container.Sequential');
    const back = loaded.value as PyDict;
    expect([...back.keys()]).toEqual([...sd.keys()]);
    for (const [key, t] of sd) expect(bytesOf(back.get(key)), String(key)).toEqual(bytesOf(t));
  });

  it('names the classes to pass to safe_globals, each once', () => {
    expect(
      wholeModelClasses({ ...arch, layers: [...(arch['layers'] as ModuleSpec[]), { type: 'ReLU' }] }),
    ).toEqual(['torch.nn.Sequential', 'torch.nn.Linear', 'torch.nn.BatchNorm1d', 'torch.nn.ReLU']);
  });

  it('refuses a state_dict that lacks a key, has an extra one, or a wrong shape', () => {
    const missing = stateDict();
    missing.delete('1.running_var');
    expect(() => saveWholeModel(arch, missing)).toThrow(
      new WholeModelError('the state_dict has no 1.running_var, which the architecture needs'),
    );
    const extra = stateDict().set('2.weight', tensor([1]));
    expect(() => saveWholeModel(arch, extra)).toThrow(/keys the architecture does not: 2\.weight/);
    const shape = stateDict().set('0.weight', tensor([3, 2]));
    expect(() => saveWholeModel(arch, shape)).toThrow(
      /0\.weight has shape \(3, 2\), the architecture needs \(2, 3\)/,
    );
  });

  it('refuses an architecture with no torch.nn class and says to save a state_dict', () => {
    const gpt = { type: 'Sequential', layers: [{ type: 'CausalSelfAttention', n_embd: 8 }] };
    expect(() => saveWholeModel(gpt, new PyDict())).toThrow(NoTorchClassError);
    expect(() => saveWholeModel(gpt, new PyDict())).toThrow(/save a state_dict instead/);
  });

  it('refuses unknown keywords as the constructor would', () => {
    const bad = { type: 'Linear', in_features: 3, out_features: 2, bais: true };
    expect(() => saveWholeModel(bad, new PyDict())).toThrow(/unexpected keyword argument 'bais'/);
  });

  it('leaves the state_dict writer refusing objects, which weights_only cannot load', () => {
    const object = new PyObject('torch.nn.modules.linear', 'Linear', [], new PyDict());
    expect(() => saveTorchZip(object)).toThrow(CheckpointError);
  });
});
