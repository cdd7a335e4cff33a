/**
 * A loaded checkpoint as plain data that survives `postMessage` (structured clone keeps Maps, arrays, typed
 * arrays and shared references, but not class prototypes), and back. Each value is encoded once by identity,
 * so a file whose containers share structure (a DAG through the memo) stays a DAG, never a tree; tensors keep
 * their storage's bytes as views of the buffers the worker read, which are transferred, not copied.
 */
import { dtypeByName } from '../dtype.ts';
import { CheckpointError } from '../errors.ts';
import type { LoadedCheckpoint } from '../index.ts';
import {
  type DictKind,
  type PyKey,
  type PyValue,
  PyComplex,
  PyDType,
  PyDevice,
  PyDict,
  PyObject,
  PySet,
  PySize,
  PyTuple,
  Storage,
  StoredTensor,
} from '../values.ts';

/** A PyValue whose class instances are tagged records; plain values (null, numbers, bytes) as they are. */
export type PlainValue = null | boolean | bigint | number | string | Uint8Array | PlainValue[] | PlainRecord;

export type PlainRecord =
  | { readonly t: 'tuple'; readonly size: boolean; readonly items: PlainValue[] }
  | {
      readonly t: 'dict';
      readonly kind: DictKind;
      readonly entries: [PlainValue, PlainValue][];
      readonly attributes: [string, PlainValue][] | undefined;
    }
  | { readonly t: 'set'; readonly frozen: boolean; readonly items: PlainValue[] }
  | { readonly t: 'complex'; readonly real: number; readonly imag: number }
  | { readonly t: 'dtype'; readonly name: string }
  | { readonly t: 'device'; readonly name: string }
  | { readonly t: 'storage'; readonly dtype: string; readonly bytes: Uint8Array; readonly location: string }
  | {
      readonly t: 'tensor';
      readonly storage: PlainRecord;
      readonly shape: readonly number[];
      readonly stride: readonly number[];
      readonly offset: number;
      readonly requiresGrad: boolean;
      readonly isParameter: boolean;
      readonly pythonState: PlainValue | undefined;
      readonly neg: boolean;
      readonly conj: boolean;
    }
  | {
      readonly t: 'object';
      readonly module: string;
      readonly name: string;
      readonly args: PlainValue[];
      readonly state: PlainValue;
    };

export interface PlainCheckpoint {
  readonly format: LoadedCheckpoint['format'];
  readonly value: PlainValue;
  readonly metadata: [string, string][] | undefined;
  readonly wholeModelClass: string | undefined;
}

/** The plain form of `loaded`, and the buffers to transfer with it (each storage's, once). */
export function toPlain(loaded: LoadedCheckpoint): { plain: PlainCheckpoint; transfer: ArrayBuffer[] } {
  const memo = new Map<object, PlainValue>();
  const buffers = new Set<ArrayBuffer>();
  const encode = (v: PyValue | PyKey | Storage): PlainValue => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
    const seen = memo.get(v);
    if (seen !== undefined) return seen;
    let out: PlainValue;
    if (Array.isArray(v)) {
      const items: PlainValue[] = [];
      memo.set(v, items); // before the items: a list may hold itself (pickle's memo allows it)
      for (const item of v) items.push(encode(item));
      return items;
    } else if (v instanceof PyDict) {
      const entries: [PlainValue, PlainValue][] = [];
      const attributes = v.attributes === undefined ? undefined : ([] as [string, PlainValue][]);
      out = { t: 'dict', kind: v.kind, entries, attributes };
      memo.set(v, out);
      for (const [key, value] of v) entries.push([encode(key), encode(value)]);
      for (const [name, value] of v.attributes ?? []) attributes?.push([name, encode(value)]);
      return out;
    } else if (v instanceof PyTuple) {
      const items: PlainValue[] = [];
      out = { t: 'tuple', size: v instanceof PySize, items };
      memo.set(v, out);
      for (const item of v.items) items.push(encode(item));
      return out;
    } else if (v instanceof PySet) {
      const items: PlainValue[] = [];
      out = { t: 'set', frozen: v.frozen, items };
      memo.set(v, out);
      for (const item of v.items) items.push(encode(item));
      return out;
    } else if (v instanceof PyObject) {
      const args: PlainValue[] = [];
      const record = {
        t: 'object' as const,
        module: v.module,
        name: v.name,
        args,
        state: null as PlainValue,
      };
      memo.set(v, record);
      for (const arg of v.args) args.push(encode(arg));
      record.state = encode(v.state);
      return record;
    } else if (v instanceof Storage) {
      const buffer = v.bytes.buffer;
      if (buffer instanceof ArrayBuffer) buffers.add(buffer);
      out = { t: 'storage', dtype: v.dtype.name, bytes: v.bytes, location: v.location };
    } else if (v instanceof StoredTensor) {
      out = {
        t: 'tensor',
        storage: encode(v.storage) as PlainRecord,
        shape: v.shape,
        stride: v.stride,
        offset: v.offset,
        requiresGrad: v.requiresGrad,
        isParameter: v.isParameter,
        pythonState: v.pythonState === undefined ? undefined : encode(v.pythonState),
        neg: v.neg,
        conj: v.conj,
      };
    } else if (v instanceof PyComplex) {
      out = { t: 'complex', real: v.real, imag: v.imag };
    } else if (v instanceof PyDType) {
      out = { t: 'dtype', name: v.dtype.name };
    } else if (v instanceof PyDevice) {
      out = { t: 'device', name: v.name };
    } else {
      throw new CheckpointError('unsupported-value', `cannot hand over a ${(v as object).constructor.name}`);
    }
    memo.set(v, out);
    return out;
  };
  const plain: PlainCheckpoint = {
    format: loaded.format,
    value: encode(loaded.value),
    metadata: loaded.metadata === undefined ? undefined : [...loaded.metadata],
    wholeModelClass: loaded.wholeModelClass,
  };
  return { plain, transfer: [...buffers] };
}

/** The checkpoint `toPlain` encoded, rebuilt once per shared value (tensor bytes are not copied). */
export function fromPlain(plain: PlainCheckpoint): LoadedCheckpoint {
  const memo = new Map<object, PyValue | Storage>();
  const decode = (v: PlainValue): PyValue => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
    const seen = memo.get(v);
    if (seen !== undefined) return seen as PyValue;
    if (Array.isArray(v)) {
      const items: PyValue[] = [];
      memo.set(v, items);
      for (const item of v) items.push(decode(item));
      return items;
    }
    return decodeRecord(v);
  };
  const decodeRecord = (v: PlainRecord): PyValue => {
    let out: PyValue;
    switch (v.t) {
      case 'dict': {
        const dict = new PyDict(v.kind);
        memo.set(v, dict);
        for (const [key, value] of v.entries) dict.set(decode(key) as PyKey, decode(value));
        if (v.attributes !== undefined) {
          dict.attributes = new Map(v.attributes.map(([name, value]) => [name, decode(value)] as const));
        }
        return dict;
      }
      case 'tuple': {
        // A tuple cannot hold itself (pickle builds it from finished items), so no memo entry first.
        const items = v.items.map(decode);
        out = v.size ? new PySize(items) : new PyTuple(items);
        break;
      }
      case 'set':
        out = new PySet(v.items.map(decode), v.frozen);
        break;
      case 'object': {
        const object = new PyObject(v.module, v.name);
        memo.set(v, object);
        (object as { args: readonly PyValue[] }).args = v.args.map(decode);
        object.state = decode(v.state);
        return object;
      }
      case 'tensor':
        out = new StoredTensor(
          storageOf(v.storage),
          v.shape,
          v.stride,
          v.offset,
          v.requiresGrad,
          v.isParameter,
          v.pythonState === undefined ? undefined : decode(v.pythonState),
          { neg: v.neg, conj: v.conj },
        );
        break;
      case 'complex':
        out = new PyComplex(v.real, v.imag);
        break;
      case 'dtype':
        out = new PyDType(dtypeNamed(v.name));
        break;
      case 'device':
        out = new PyDevice(v.name);
        break;
      case 'storage':
        throw new CheckpointError('unsupported-value', 'a storage outside a tensor');
    }
    memo.set(v, out);
    return out;
  };
  const storageOf = (v: PlainRecord): Storage => {
    const seen = memo.get(v);
    if (seen instanceof Storage) return seen;
    if (v.t !== 'storage') throw new CheckpointError('unsupported-value', 'a tensor without a storage');
    const storage = new Storage(dtypeNamed(v.dtype), v.bytes, v.location);
    memo.set(v, storage);
    return storage;
  };
  const value = decode(plain.value);
  const loaded: LoadedCheckpoint = { format: plain.format, value };
  return {
    ...loaded,
    ...(plain.metadata === undefined ? {} : { metadata: new Map(plain.metadata) }),
    ...(plain.wholeModelClass === undefined ? {} : { wholeModelClass: plain.wholeModelClass }),
  };
}

function dtypeNamed(name: string): NonNullable<ReturnType<typeof dtypeByName>> {
  const dtype = dtypeByName(name);
  if (dtype === undefined) throw new CheckpointError('unsupported-value', `unknown dtype ${name}`);
  return dtype;
}
