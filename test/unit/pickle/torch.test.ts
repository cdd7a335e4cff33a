/**
 * Real torch 1.13 pickles (`data.pkl` of `torch.save` to a buffer): the reader builds the tensors, and the
 * writer, given what the reader built, reproduces torch's bytes exactly and the same storage records.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dtypeByName, type DTypeInfo } from '../../../src/checkpoint/dtype.ts';
import { CheckpointError } from '../../../src/checkpoint/errors.ts';
import { readPickle } from '../../../src/checkpoint/pickle/read.ts';
import { writePickle } from '../../../src/checkpoint/pickle/write.ts';
import {
  PyDict,
  PyObject,
  PyTuple,
  Storage,
  StoredTensor,
  type PyValue,
} from '../../../src/checkpoint/values.ts';
import { get, hex, plain, python, torchStorages } from './helpers.ts';

/** Python expressions (torch, nn, collections in scope) saved with torch.save. */
const cases: Record<string, string> = {
  trace: `(lambda sd: (setattr(sd, '_metadata', collections.OrderedDict([('', {'version': 1})])), sd)[1])(
    collections.OrderedDict(weight=torch.arange(6.).reshape(2, 3), bias=torch.tensor([1.5, -2.0])))`,
  parameters: `{'p': nn.Parameter(torch.ones(2)), 'q': nn.Parameter(torch.zeros(3), requires_grad=False),
    'g': torch.ones(2, requires_grad=True)}`,
  shared: `(lambda w: {'a': w[:6].view(2, 3), 'b': w[6:], 'c': w.view(3, 4).t(), 'd': w,
    'e': torch.arange(3.).expand(2, 3)})(torch.arange(12.))`,
  dtypes: `{str(d): torch.arange(6).to(d).reshape(2, 3) for d in [torch.float64, torch.float32, torch.float16,
    torch.bfloat16, torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool,
    torch.complex64, torch.complex128]}`,
  shapes: `{'scalar': torch.tensor(3.5), 'int_scalar': torch.tensor(7), 'empty': torch.zeros(0, 3),
    'empty1': torch.zeros(0)}`,
  manyStorages: `{'t%d' % i: torch.full((2,), float(i)) for i in range(12)}`,
  model: `nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1), nn.BatchNorm1d(1)).state_dict()`,
  sequential11: `nn.Sequential(*[nn.Linear(1, 1) for _ in range(11)]).state_dict()`,
  checkpoint: `(lambda m: (lambda o: (m(torch.ones(4, 2)).sum().backward(), o.step(),
    {'epoch': 3, 'step': 2**40, 'model_state_dict': m.state_dict(), 'optimizer_state_dict': o.state_dict(),
     'loss': 0.25, 'arch': {'type': 'Linear', 'in_features': 2}, 'sizes': torch.Size([2, 3]), 'dev': torch.device('cpu')})[2])(
    torch.optim.Adam(m.parameters(), lr=1e-3)))(nn.Linear(2, 1))`,
  tensorRoot: `torch.arange(4)`,
};
/** Not byte-reproducible: torch.Size becomes a plain tuple. */
const notWritable = new Set(['checkpoint']);

let outputs: Map<string, Uint8Array>;

beforeAll(() => {
  const lines = ['import torch, torch.nn as nn', 'torch.manual_seed(0)'];
  for (const [name, expr] of Object.entries(cases))
    lines.push(`torch_pkl('${name}', ${expr.replace(/\n\s*/g, ' ')})`);
  lines.push(`torch_pkl('trace@4', ${cases.trace?.replace(/\n\s*/g, ' ')}, pickle_protocol=4)`);
  lines.push(`torch_pkl('wholeModel', nn.Sequential(nn.Linear(2, 3), nn.ReLU()))`);
  // torch 2.x's forms for tensors with Python state, made by torch.save from the real functions.
  lines.push(`
class Reduced:
    def __init__(self, *reduction): self.reduction = reduction
    def __reduce__(self): return self.reduction
t = torch.arange(3.)
args = (t.storage(), 0, (3,), (1,), False, collections.OrderedDict())
v2, fromType = torch._utils._rebuild_tensor_v2, torch._tensor._rebuild_from_type_v2
def withState(data, requires_grad, hooks, state): pass  # torch 2.x only: a stand-in under its name
withState.__module__, withState.__qualname__ = 'torch._utils', '_rebuild_parameter_with_state'
torch._utils._rebuild_parameter_with_state = withState
torch_pkl('fromType', {'t': Reduced(fromType, (v2, torch.Tensor, args, {})),
    'p': Reduced(fromType, (v2, nn.Parameter, args, {})),
    'ws': Reduced(withState, (t, True, collections.OrderedDict(), {}))})
torch_pkl('withAttributes', Reduced(fromType, (v2, torch.Tensor, args, {'foo': 1})))
b = io.BytesIO(); torch.save({'t': Reduced(fromType, (v2, torch.Tensor, args, {})), 'p': Reduced(fromType, (v2, nn.Parameter, args, {}))}, b)
b.seek(0); loaded = torch.load(b)
out['fromType-types'] = ' '.join(type(loaded[k]).__name__ for k in ['t', 'p']).encode()`);
  outputs = python(lines.join('\n'));
}, 120_000);

function readTorch(name: string, mode: 'weights-only' | 'inert-objects' = 'weights-only'): PyValue {
  return readPickle(get(outputs, name), {
    mode,
    label: `${name}/data.pkl`,
    persistentLoad: torchStorages(outputs, name),
  });
}

const float32 = dtypeByName('float32') as DTypeInfo;

describe('reader on torch 1.13 files', () => {
  it('the FORMAT.md §2 trace: 290 bytes, OrderedDict, tensors, _metadata', () => {
    expect(get(outputs, 'trace')).toHaveLength(290);
    const sd = readTorch('trace') as PyDict;
    expect(sd.kind).toBe('OrderedDict');
    const weight = sd.get('weight') as StoredTensor;
    expect(weight).toBeInstanceOf(StoredTensor);
    expect([weight.dtype, weight.shape, weight.stride, weight.offset]).toEqual([float32, [2, 3], [3, 1], 0]);
    expect(Array.from(new Float32Array(weight.contiguousBytes().slice().buffer))).toEqual([0, 1, 2, 3, 4, 5]);
    const bias = sd.get('bias') as StoredTensor;
    expect(Array.from(new Float32Array(bias.contiguousBytes().slice().buffer))).toEqual([1.5, -2]);
    const metadata = sd.attributes?.get('_metadata') as PyDict;
    expect(plain(metadata)).toEqual({
      dict: 'OrderedDict',
      entries: [['', { dict: 'dict', entries: [['version', 1n]], attributes: undefined }]],
      attributes: undefined,
    });
  });

  it('Parameters and requires_grad', () => {
    const sd = readTorch('parameters') as PyDict;
    expect(plain(sd.get('p') as PyValue)).toMatchObject({
      isParameter: true,
      requiresGrad: true,
      shape: [2],
    });
    expect(plain(sd.get('q') as PyValue)).toMatchObject({
      isParameter: true,
      requiresGrad: false,
      shape: [3],
    });
    expect(plain(sd.get('g') as PyValue)).toMatchObject({ isParameter: false, requiresGrad: true });
  });

  it('views share one Storage, with offsets, transposed and zero strides', () => {
    const sd = readTorch('shared') as PyDict;
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((k) => sd.get(k) as StoredTensor);
    expect(a?.storage).toBe(d?.storage);
    expect(b?.storage).toBe(d?.storage);
    expect([b?.offset, b?.shape]).toEqual([6, [6]]);
    expect([c?.shape, c?.stride]).toEqual([
      [4, 3],
      [1, 4],
    ]);
    expect(e?.stride).toEqual([0, 1]);
    expect(
      Array.from(new Float32Array((c as StoredTensor).contiguousBytes().slice().buffer)).slice(0, 4),
    ).toEqual([0, 4, 8, 1]);
  });

  it('every legacy dtype, 0-dim and empty tensors', () => {
    const sd = readTorch('dtypes') as PyDict;
    expect([...sd.values()].map((t) => (t as StoredTensor).dtype.name)).toEqual([
      'float64', 'float32', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool', 'complex64', 'complex128',
    ]); // prettier-ignore
    const shapes = readTorch('shapes') as PyDict;
    expect(plain(shapes.get('scalar') as PyValue)).toMatchObject({ shape: [], stride: [] });
    expect(plain(shapes.get('empty') as PyValue)).toMatchObject({ shape: [0, 3], storage: '' });
  });

  it('protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE) gives the same value as protocol 2', () => {
    expect(plain(readTorch('trace@4'))).toEqual(plain(readTorch('trace')));
  });

  it('a general checkpoint: int keys, floats, tuples, torch.Size, device', () => {
    const ckpt = readTorch('checkpoint') as PyDict;
    expect(ckpt.get('step')).toBe(2n ** 40n);
    expect(ckpt.get('loss')).toBe(0.25);
    expect(plain(ckpt.get('sizes') as PyValue)).toEqual({ tuple: [2n, 3n] });
    const state = (ckpt.get('optimizer_state_dict') as PyDict).get('state') as PyDict;
    expect([...state.keys()]).toEqual([0n, 1n]);
    const groups = (ckpt.get('optimizer_state_dict') as PyDict).get('param_groups') as PyValue[];
    expect(plain((groups[0] as PyDict).get('betas') as PyValue)).toEqual({
      tuple: [{ float: 0.9 }, { float: 0.999 }],
    });
  });

  it("whole models: refused in 'weights-only', inert objects in 'inert-objects'", () => {
    expect(() => readTorch('wholeModel')).toThrow(/torch\.nn\.modules\.container\.Sequential/);
    try {
      readTorch('wholeModel');
    } catch (error) {
      expect((error as CheckpointError).code).toBe('unsupported-global');
    }
    const model = readTorch('wholeModel', 'inert-objects') as PyObject;
    expect([model.module, model.name]).toEqual(['torch.nn.modules.container', 'Sequential']);
    const state = model.state as PyDict;
    expect(state.get('training')).toBe(true);
    const modules = state.get('_modules') as PyDict;
    expect([...modules.keys()]).toEqual(['0', '1']);
    const linear = modules.get('0') as PyObject;
    expect(`${linear.module}.${linear.name}`).toBe('torch.nn.modules.linear.Linear');
    const params = (linear.state as PyDict).get('_parameters') as PyDict;
    expect(plain(params.get('weight') as PyValue)).toMatchObject({
      tensor: 'float32',
      shape: [3, 2],
      isParameter: true,
      requiresGrad: true,
    });
    expect((linear.state as PyDict).get('in_features')).toBe(2n);
    const relu = modules.get('1') as PyObject;
    expect(relu.name).toBe('ReLU');
  });
});

describe('rebuilds for tensors with Python state (torch 2.x forms)', () => {
  it('_rebuild_from_type_v2 unwraps Tensor and Parameter; _rebuild_parameter_with_state with empty state', () => {
    expect(new TextDecoder().decode(get(outputs, 'fromType-types'))).toBe('Tensor Parameter');
    const value = readTorch('fromType') as PyDict;
    const storage = {
      tensor: 'float32',
      shape: [3],
      stride: [1],
      offset: 0,
      storage: '000000000000803f00000040',
    };
    expect(plain(value.get('t') as PyValue)).toEqual({ ...storage, requiresGrad: false, isParameter: false });
    expect(plain(value.get('p') as PyValue)).toEqual({ ...storage, requiresGrad: false, isParameter: true });
    expect(plain(value.get('ws') as PyValue)).toEqual({ ...storage, requiresGrad: true, isParameter: true });
  });

  it('Python attributes on a tensor are refused, not dropped', () => {
    expect(() => readTorch('withAttributes')).toThrow(CheckpointError);
    expect(() => readTorch('withAttributes')).toThrow(/Python attributes/);
  });
});

describe('writer reproduces torch 1.13 bytes exactly', () => {
  for (const name of Object.keys(cases)) {
    if (notWritable.has(name)) continue;
    it(name, () => {
      const value = readTorch(name);
      const { bytes, storages } = writePickle(value);
      expect(hex(bytes)).toBe(hex(get(outputs, name)));
      const records = [...outputs.keys()].filter((k) => k.startsWith(`${name}/data/`));
      expect(storages).toHaveLength(records.length);
      storages.forEach((storage, key) =>
        expect(hex(storage.bytes)).toBe(hex(get(outputs, `${name}/data/${key}`))),
      );
    });
  }

  it('a checkpoint with torch.Size round-trips to the same value', () => {
    const value = readTorch('checkpoint');
    const { bytes, storages } = writePickle(value);
    const records = new Map(storages.map((s, i) => [`/data/${i}`, s.bytes]));
    const again = readPickle(bytes, { mode: 'weights-only', persistentLoad: torchStorages(records) });
    expect(plain(again)).toEqual(plain(value));
  });
});

describe('writer: tensors built in TypeScript', () => {
  const storage = new Storage(float32, new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer));

  it('the FORMAT.md §2 trace from scratch equals torch', () => {
    const sd = new PyDict('OrderedDict', [
      [
        'weight',
        new StoredTensor(
          new Storage(float32, new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer)),
          [2, 3],
        ),
      ],
      [
        'bias',
        new StoredTensor(new Storage(float32, new Uint8Array(new Float32Array([1.5, -2]).buffer)), [2]),
      ],
    ]);
    sd.attributes = new Map([
      ['_metadata', new PyDict('OrderedDict', [['', new PyDict('dict', [['version', 1n]])]])],
    ]);
    expect(hex(writePickle(sd).bytes)).toBe(hex(get(outputs, 'trace')));
  });

  it('storage keys follow first encounter; one Storage is one record', () => {
    const other = new Storage(float32, new Uint8Array(8));
    const value = [
      new StoredTensor(other, [2]),
      new StoredTensor(storage, [3], [2], 1),
      new StoredTensor(other, [1], [1], 1),
    ];
    const { storages } = writePickle(value);
    expect(storages).toEqual([other, storage]);
  });

  it('dtypes without a storage class use _rebuild_tensor_v3 with UntypedStorage and a byte numel', () => {
    const f8 = dtypeByName('float8_e4m3fn') as DTypeInfo;
    const u16 = dtypeByName('uint16') as DTypeInfo;
    const bytes8 = new Storage(f8, Uint8Array.from([1, 2, 3, 4]));
    const words = new Storage(u16, Uint8Array.from([1, 0, 2, 0, 3, 0]));
    const value = new PyDict('dict', [
      ['f8', new StoredTensor(bytes8, [2, 2], [2, 1], 0, true)], // floats may require grad; ints may not
      ['u16', new StoredTensor(words, [3], [1], 0)],
      ['u16b', new StoredTensor(words, [1], [1], 2)],
    ]);
    const { bytes, storages } = writePickle(value);
    // The persistentLoad of a torch reader hands back untyped bytes for UntypedStorage ids.
    const untyped = new Map(storages.map((s, i) => [`/data/${i}`, s.bytes]));
    const back = readPickle(bytes, {
      mode: 'weights-only',
      persistentLoad: torchStorages(untyped),
    }) as PyDict;
    expect(plain(back)).toEqual(plain(value));
    expect((back.get('u16') as StoredTensor).storage).toBe((back.get('u16b') as StoredTensor).storage);
    // CPython's unpickler, with stand-ins for torch's functions, sees exactly torch's call shape.
    const seen = python(`
class Stub:
    def __init__(self, name): self.name = name
    def __call__(self, *args): return (self.name,) + args
    def __repr__(self): return self.name
class U(pickle.Unpickler):
    def find_class(self, module, name): return Stub(module + '.' + name)
    def persistent_load(self, pid): return pid
v = U(io.BytesIO(bytes.fromhex('${hex(bytes)}'))).load()
out['repr'] = repr(v).encode()`);
    expect(new TextDecoder().decode(get(seen, 'repr'))).toBe(
      "{'f8': ('torch._utils._rebuild_tensor_v3', ('storage', torch.storage.UntypedStorage, '0', 'cpu', 4), 0, (2, 2), (2, 1), True, ('collections.OrderedDict',), torch.float8_e4m3fn), " +
        "'u16': ('torch._utils._rebuild_tensor_v3', ('storage', torch.storage.UntypedStorage, '1', 'cpu', 6), 0, (3,), (1,), False, ('collections.OrderedDict',), torch.uint16), " +
        "'u16b': ('torch._utils._rebuild_tensor_v3', ('storage', torch.storage.UntypedStorage, '1', 'cpu', 6), 2, (1,), (1,), False, ('collections.OrderedDict',), torch.uint16)}",
    );
  });

  it('round-trips Parameters, shared storages and nested containers', () => {
    const value = new PyDict('dict', [
      ['p', new StoredTensor(storage, [2, 3], [3, 1], 0, true, true)],
      ['view', new StoredTensor(storage, [3], [2], 1)],
      ['nested', [new PyTuple([1n, 2.5, 'x']), new PyDict('OrderedDict', [[3n, null]])]],
    ]);
    const { bytes, storages } = writePickle(value);
    const records = new Map(storages.map((s, i) => [`/data/${i}`, s.bytes]));
    const back = readPickle(bytes, {
      mode: 'weights-only',
      persistentLoad: torchStorages(records),
    }) as PyDict;
    expect(plain(back)).toEqual(plain(value));
    expect((back.get('p') as StoredTensor).storage).toBe((back.get('view') as StoredTensor).storage);
  });
});

describe('writer refuses what weights_only cannot load', () => {
  const refusal = (value: PyValue): CheckpointError => {
    try {
      writePickle(value);
    } catch (error) {
      if (error instanceof CheckpointError) return error;
      throw error;
    }
    throw new Error('no error');
  };

  it('inert objects, frozensets, bad devices, cycles, deep nesting', () => {
    const object = refusal(new PyDict('dict', [['model', new PyObject('m', 'Net')]]));
    expect([object.code, object.at]).toEqual(['unsupported-value', 'model']);
    expect(object.message).toMatch(/m\.Net/);
    const cyclic: PyValue[] = [];
    cyclic.push([cyclic]);
    expect(refusal(cyclic).message).toMatch(/cycle/);
    let deep: PyValue = [];
    for (let i = 0; i < 2000; i++) deep = [deep];
    expect(refusal(deep).message).toMatch(/deeper than 1000/);
    const dict = new PyDict('dict');
    dict.attributes = new Map([['x', 1n]]);
    expect(refusal(dict).code).toBe('unsupported-value');
  });
});
