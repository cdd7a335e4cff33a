/**
 * Shared test helpers: real CPython/torch 1.13 as the reference (`/usr/bin/python3`, see ENVIRONMENT.md),
 * a persistentLoad for torch pickles, and a plain-data view of PyValues for deep comparison.
 */
import { execFileSync } from 'node:child_process';
import { dtypeByName, type DTypeInfo } from '../../../src/checkpoint/dtype.ts';
import { StorageType } from '../../../src/checkpoint/pickle/refs.ts';
import {
  PyComplex,
  PyDevice,
  PyDict,
  PyDType,
  PyObject,
  PySet,
  PyTuple,
  Storage,
  StoredTensor,
  type PyValue,
} from '../../../src/checkpoint/values.ts';

const prelude = `
import pickle, io, zipfile, json, sys, collections, math
def torch_pkl(name, obj, **kw):
    import torch
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    names = z.namelist()
    root = names[0].split('/')[0]
    out[name] = z.read(root + '/data.pkl')
    for n in names:
        if n.startswith(root + '/data/'):
            out[name + '/data/' + n[len(root) + 6:]] = z.read(n)
out = {}
`;

const epilogue = `
sys.stdout.write(json.dumps({k: bytes(v).hex() for k, v in out.items()}))
`;

/**
 * Runs `script` in Debian's Python (torch 1.13 importable); the script fills `out[name] = bytes` and may
 * call `torch_pkl(name, obj)`, which stores `data.pkl` as `out[name]` and each record as
 * `out[name + '/data/<key>']`.
 */
export function python(script: string): Map<string, Uint8Array> {
  const stdout = execFileSync('/usr/bin/python3', ['-c', prelude + script + epilogue], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const parsed = JSON.parse(stdout) as Record<string, string>;
  return new Map(Object.entries(parsed).map(([k, v]) => [k, Uint8Array.from(Buffer.from(v, 'hex'))]));
}

export function get(outputs: Map<string, Uint8Array>, name: string): Uint8Array {
  const bytes = outputs.get(name);
  if (bytes === undefined) throw new Error(`python produced no ${name}`);
  return bytes;
}

const uint8 = dtypeByName('uint8') as DTypeInfo;

/**
 * persistentLoad for a torch zip pickle: one Storage per key (so sharing survives), holding the record
 * bytes Python produced, or zeros of the declared size when `records` lacks the key.
 */
export function torchStorages(
  records: Map<string, Uint8Array> = new Map(),
  prefix = '',
): (pid: PyValue) => Storage {
  const byKey = new Map<string, Storage>();
  return (pid) => {
    if (!(pid instanceof PyTuple)) throw new Error('persistent id is not a tuple');
    const [tag, type, key, location, numel] = pid.items;
    if (tag !== 'storage' || !(type instanceof StorageType) || typeof key !== 'string') {
      throw new Error('unexpected persistent id');
    }
    if (typeof location !== 'string' || typeof numel !== 'bigint')
      throw new Error('unexpected persistent id');
    const seen = byKey.get(key);
    if (seen !== undefined) return seen;
    const dtype = type.dtype ?? uint8;
    const bytes = records.get(`${prefix}/data/${key}`) ?? new Uint8Array(Number(numel) * dtype.itemsize);
    const storage = new Storage(dtype, bytes, location);
    byKey.set(key, storage);
    return storage;
  };
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * A plain, comparable picture of a PyValue: classes become tagged objects, Maps become entry lists,
 * tensors show their storage bytes. Floats are tagged so that 1.0 and 1n never compare equal, and -0 and
 * NaN survive (`Object.is` semantics of toEqual).
 */
export function plain(value: PyValue | Storage): unknown {
  if (
    value === null ||
    typeof value === 'boolean' ||
    typeof value === 'string' ||
    typeof value === 'bigint'
  ) {
    return value;
  }
  if (typeof value === 'number') return { float: value };
  if (Array.isArray(value)) return { list: value.map(plain) };
  if (value instanceof Uint8Array) return { bytes: hex(value) };
  if (value instanceof PyTuple) return { tuple: value.items.map(plain) };
  if (value instanceof PyDict) {
    return {
      dict: value.kind,
      entries: [...value].map(([k, v]) => [plain(k), plain(v)]),
      attributes: value.attributes && [...value.attributes].map(([k, v]) => [k, plain(v)]),
    };
  }
  if (value instanceof PySet) return { set: value.items.map(plain), frozen: value.frozen };
  if (value instanceof PyComplex) return { complex: [value.real, value.imag] };
  if (value instanceof PyDType) return { dtype: value.dtype.name };
  if (value instanceof PyDevice) return { device: value.name };
  if (value instanceof Storage) return { storage: value.dtype.name, bytes: hex(value.bytes) };
  if (value instanceof StoredTensor) {
    return {
      tensor: value.dtype.name,
      shape: value.shape,
      stride: value.stride,
      offset: value.offset,
      requiresGrad: value.requiresGrad,
      isParameter: value.isParameter,
      storage: hex(value.storage.bytes),
    };
  }
  if (value instanceof PyObject) {
    return {
      object: `${value.module}.${value.name}`,
      args: value.args.map(plain),
      state: plain(value.state),
      kind: value.constructor.name,
    };
  }
  throw new Error('not a PyValue');
}
