/**
 * Turns a persistent id from a torch pickle into the Storage it names, reading each storage's bytes once
 * however many tensors share it (tied weights, views). The zip format's id is the 5-tuple
 * `('storage', storage_type, key, location, numel)`; the legacy format adds a sixth, `view_metadata`.
 */
import { type DTypeInfo } from '../dtype.ts';
import { CheckpointError, check } from '../errors.ts';
import { StorageType } from '../pickle/globals.ts';
import { PyTuple, Storage, type PyValue } from '../values.ts';
import { byteswapped } from './byteswap.ts';

export interface StorageIdParts {
  readonly dtype: DTypeInfo;
  readonly key: string;
  readonly location: string;
  /** Bytes the record must hold: numel x itemsize (numel counts bytes for UntypedStorage). */
  readonly nbytes: number;
}

/** Validates a persistent id of `arity` items and names its parts; any deviation is a CheckpointError. */
export function parseStorageId(pid: PyValue, arity: 5 | 6, at: string): StorageIdParts {
  check(pid instanceof PyTuple, 'pickle-malformed', 'persistent id is not a tuple', at);
  check(
    pid.items.length === arity,
    'pickle-malformed',
    `persistent id has ${pid.items.length} items; this format uses ${arity}`,
    at,
  );
  const [tag, type, key, location, numel] = pid.items;
  check(tag === 'storage', 'pickle-malformed', `persistent id tag is ${String(tag)}, not 'storage'`, at);
  check(type instanceof StorageType, 'pickle-malformed', 'persistent id names no storage class', at);
  check(typeof key === 'string' && key.length > 0, 'pickle-malformed', 'storage key is not a string', at);
  check(typeof location === 'string', 'pickle-malformed', 'storage location is not a string', at);
  check(typeof numel === 'bigint' && numel >= 0n, 'pickle-malformed', 'storage numel is not an int', at);
  // torch reads `storage_type.dtype`: the bare TypedStorage class has none, and torch fails there.
  check(
    type.dtype !== undefined,
    'pickle-malformed',
    `storage class ${type.qualifiedName} names no dtype`,
    at,
  );
  const dtype = type.dtype; // uint8 for UntypedStorage, whose numel counts bytes
  const nbytes = numel * BigInt(dtype.itemsize);
  check(nbytes <= BigInt(Number.MAX_SAFE_INTEGER), 'limit-exceeded', `storage ${key} is too large`, at);
  return { dtype, key, location, nbytes: Number(nbytes) };
}

/**
 * Caches one Storage per key. `record(key)` returns the record's bytes (or undefined when absent);
 * `bigEndian` swaps each element's bytes as torch does for files written on big-endian hosts.
 */
export class StorageTable {
  private readonly byKey = new Map<string, Storage>();

  constructor(
    private readonly record: (key: string) => Uint8Array | undefined,
    private readonly recordName: (key: string) => string,
    private readonly bigEndian: boolean,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  load(parts: StorageIdParts): Storage {
    const seen = this.byKey.get(parts.key);
    if (seen !== undefined) {
      check(
        seen.dtype === parts.dtype && seen.bytes.byteLength === parts.nbytes,
        'bad-tensor',
        `storage ${parts.key} is used as two different types or sizes`,
        this.recordName(parts.key),
      );
      return seen;
    }
    const bytes = this.record(parts.key);
    if (bytes === undefined) {
      throw new CheckpointError('missing-record', `storage record is missing`, this.recordName(parts.key));
    }
    // torch 2.6 reads a short record as garbage (FORMAT.md §3); we refuse any length mismatch.
    check(
      bytes.byteLength === parts.nbytes,
      'storage-size',
      `storage record holds ${bytes.byteLength} bytes but its ${parts.dtype.name} storage needs ${parts.nbytes}`,
      this.recordName(parts.key),
    );
    const swapUnit = parts.dtype.name.startsWith('complex') ? parts.dtype.itemsize / 2 : parts.dtype.itemsize;
    const data = this.bigEndian ? byteswapped(bytes, swapUnit) : bytes;
    const storage = new Storage(parts.dtype, data, parts.location);
    this.byKey.set(parts.key, storage);
    return storage;
  }
}
