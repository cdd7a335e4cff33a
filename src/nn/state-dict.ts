/**
 * Module state_dicts <-> the checkpoint value model (src/checkpoint/values.ts): an `OrderedDict` of
 * StoredTensors with `_metadata` attached, exactly what torch's `state_dict()` pickles to:
 *   OrderedDict([('0.weight', tensor float32), ..., ('1.num_batches_tracked', tensor int64 0-dim)])
 *   ._metadata = OrderedDict([('', {'version': 1}), ('0', {'version': 1}), ('1', {'version': 2})])
 * Tensors that share a device buffer (tied weights) share one Storage, as torch's do.
 */
import { dtypeInfo, type DTypeInfo } from '../checkpoint/dtype.ts';
import { PyDict, type PyValue, Storage, StoredTensor } from '../checkpoint/values.ts';
import {
  type Backend,
  type DeviceBuffer,
  type HostArray,
  type Tensor,
  defaultBackend,
  fromHost,
} from '../tensor/index.ts';
import { type Module, type StateDictMetadata, StateDictError } from './module.ts';

if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('pthlab needs a little-endian host');

/** A module's state_dict as torch would pickle it (reads the device: async). */
export async function toPyStateDict(module: Module): Promise<PyDict> {
  return tensorsToPy(module.stateDict(), module.stateDictMetadata());
}

export async function tensorsToPy(
  tensors: ReadonlyMap<string, Tensor>,
  metadata?: StateDictMetadata,
): Promise<PyDict> {
  const out = new PyDict('OrderedDict');
  const storages = new Map<DeviceBuffer, Storage>();
  for (const [key, t] of tensors) {
    let storage = storages.get(t.buffer);
    if (storage === undefined) {
      storage = hostToStorage(await t.data());
      storages.set(t.buffer, storage);
    }
    out.set(key, new StoredTensor(storage, [...t.shape]));
  }
  if (metadata !== undefined)
    out.attributes = new Map<string, PyValue>([['_metadata', metadataToPy(metadata)]]);
  return out;
}

export function metadataToPy(metadata: StateDictMetadata): PyDict {
  const md = new PyDict('OrderedDict');
  for (const [prefix, { version }] of metadata)
    md.set(prefix, new PyDict('dict', [['version', BigInt(version)]]));
  return md;
}

/** float32 stays float32; the int64 dtype's int32 values widen to real int64 on disk. */
export function hostToStorage(data: HostArray): Storage {
  if (data instanceof Float32Array) {
    return new Storage(dtypeInfo('float32'), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  const wide = BigInt64Array.from(data, (v) => BigInt(v));
  return new Storage(dtypeInfo('int64'), new Uint8Array(wide.buffer));
}

export interface LoadedStateDict {
  stateDict: Map<string, Tensor>;
  /** The `_metadata` attribute, when the dict has one: pass it to loadStateDict's `metadata`. */
  metadata: StateDictMetadata | undefined;
}

/**
 * A checkpoint's state_dict (a PyDict of StoredTensors) as tensors on `backend`, ready for
 * `module.loadStateDict(stateDict, { metadata })`. Floating dtypes become float32, integer ones int64.
 */
export function fromPyStateDict(dict: PyDict, backend: Backend = defaultBackend()): LoadedStateDict {
  const stateDict = new Map<string, Tensor>();
  for (const [key, value] of dict) {
    if (typeof key !== 'string') throw new StateDictError(`state_dict key ${String(key)} is not a string`);
    if (!(value instanceof StoredTensor)) {
      throw new StateDictError(
        `While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${pyTypeName(value)}`,
      );
    }
    stateDict.set(key, fromHost(storedToHost(value), value.shape, { backend }));
  }
  const md = dict.attributes?.get('_metadata');
  let metadata: StateDictMetadata | undefined;
  if (md instanceof PyDict) {
    metadata = new Map();
    for (const [prefix, entry] of md) {
      const v = entry instanceof PyDict ? entry.get('version') : undefined;
      if (typeof prefix === 'string' && (typeof v === 'bigint' || typeof v === 'number')) {
        metadata.set(prefix, { version: Number(v) });
      }
    }
  }
  return { stateDict, metadata };
}

/** A stored tensor's elements as float32 (floating dtypes) or int32-backed int64 (integer dtypes, bool). */
export function storedToHost(t: StoredTensor): HostArray {
  // A real copy at offset 0: a Node Buffer (readFileSync) would answer slice() with a view of its pool.
  const bytes = new Uint8Array(t.contiguousBytes());
  const view = new DataView(bytes.buffer);
  const n = t.numel;
  const read = reader(t.dtype, view);
  if (t.dtype.name.startsWith('float') || t.dtype.name === 'bfloat16') {
    return Float32Array.from({ length: n }, (_, i) => read(i));
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = read(i);
    if (v < -2147483648 || v > 2147483647)
      throw new StateDictError(`value ${v} does not fit the int32-backed int64 dtype`);
    out[i] = v;
  }
  return out;
}

function reader(dtype: DTypeInfo, view: DataView): (i: number) => number {
  switch (dtype.name) {
    case 'float32':
      return (i) => view.getFloat32(i * 4, true);
    case 'float64':
      return (i) => view.getFloat64(i * 8, true);
    case 'float16':
      return (i) => halfToFloat(view.getUint16(i * 2, true));
    case 'bfloat16':
      return (i) => new Float32Array(Uint32Array.of(view.getUint16(i * 2, true) << 16).buffer)[0] as number;
    case 'int64':
      return (i) => Number(view.getBigInt64(i * 8, true));
    case 'int32':
      return (i) => view.getInt32(i * 4, true);
    case 'int16':
      return (i) => view.getInt16(i * 2, true);
    case 'int8':
      return (i) => view.getInt8(i);
    case 'uint8':
    case 'bool':
      return (i) => view.getUint8(i);
    default:
      throw new StateDictError(`cannot load a tensor of dtype torch.${dtype.name} into a module`);
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function pyTypeName(v: PyValue): string {
  if (v === null) return "<class 'NoneType'>";
  if (typeof v === 'number') return "<class 'float'>";
  if (typeof v === 'bigint') return "<class 'int'>";
  if (typeof v === 'string') return "<class 'str'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (Array.isArray(v)) return "<class 'list'>";
  return `<class '${v.constructor.name}'>`;
}
