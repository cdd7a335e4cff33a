/**
 * Reads the legacy (pre-1.6, `_use_new_zipfile_serialization=False`) format: a run of pickles, then raw
 * storage data (FORMAT.md §7; torch/serialization.py `_legacy_load`):
 *   magic number · protocol version 1001 · sys_info · object (6-tuple persistent ids) · sorted storage keys ·
 *   per key: i64 LE element count, then count x itemsize bytes (little-endian on disk).
 * The object pickle names each storage's dtype but the data comes after it, so the object is read twice:
 * once to learn each key's dtype and size, then again with the real storages.
 */
import { type DTypeInfo } from '../dtype.ts';
import { CheckpointError, check } from '../errors.ts';
import { type LoadOptions, defaultLoadOptions } from '../options.ts';
import { readPickleAt, type PickleReadOptions } from '../pickle/read.ts';
import { Storage, type PyValue } from '../values.ts';
import { parseStorageId, StorageTable, type StorageIdParts } from './storage-records.ts';
import { recoverStateDict } from './whole-model.ts';

const magicNumber = 0x1950a86a20f9469cfc6cn;
const protocolVersion = 1001n;
const label = 'legacy';

/** The first 14 bytes of every legacy file: PROTO 2, LONG1 of the magic number (netron's signature). */
export const legacySignature = Uint8Array.of(
  0x80,
  0x02,
  0x8a,
  0x0a,
  0x6c,
  0xfc,
  0x9c,
  0x46,
  0xf9,
  0x20,
  0x6a,
  0xa8,
  0x50,
  0x19,
);

export function isLegacy(bytes: Uint8Array): boolean {
  return bytes.byteLength >= legacySignature.length && legacySignature.every((b, i) => bytes[i] === b);
}

export interface LegacyContents {
  readonly value: PyValue;
  readonly wholeModelClass?: string;
}

export function loadLegacy(bytes: Uint8Array, options: LoadOptions = {}): LegacyContents {
  const opts = { ...defaultLoadOptions, ...options };
  const base = {
    label,
    limits: { maxDepth: opts.maxDepth, maxMemo: opts.maxMemo },
    persistentLoad: (): PyValue => {
      throw new CheckpointError('legacy-malformed', 'a persistent id outside the object pickle', label);
    },
  } satisfies Partial<PickleReadOptions>;
  const header = (offset: number) => readPickleAt(bytes, offset, { ...base, mode: 'weights-only' });

  const magic = header(0);
  check(magic.value === magicNumber, 'legacy-malformed', 'wrong magic number', `${label}@0`);
  const protocol = header(magic.end);
  check(
    protocol.value === protocolVersion,
    'legacy-malformed',
    `protocol ${String(protocol.value)} is not 1001`,
    `${label}@${magic.end}`,
  );
  const sysInfo = header(protocol.end); // informational only: torch 2.6 ignores it too
  const objectStart = sysInfo.end;

  // Pass 1: every storage the object names, with placeholder bytes, to find where the data begins.
  const declared = new Map<string, StorageIdParts>();
  const placeholder = new Uint8Array(bytes.byteLength); // any honest storage fits in the file
  const readObject = (mode: 'weights-only' | 'inert-objects', load: (parts: StorageIdParts) => Storage) =>
    readPickleAt(bytes, objectStart, { ...base, mode, persistentLoad: (pid) => load(parseLegacyId(pid)) });
  const declare = (parts: StorageIdParts): Storage => {
    check(
      parts.nbytes <= bytes.byteLength,
      'storage-size',
      `storage ${parts.key} is larger than the file`,
      label,
    );
    const known = declared.get(parts.key);
    check(
      known === undefined || known.dtype === parts.dtype,
      'bad-tensor',
      `storage ${parts.key} has two types`,
      label,
    );
    declared.set(parts.key, parts);
    return new Storage(parts.dtype, placeholder.subarray(0, parts.nbytes), parts.location);
  };

  let mode: 'weights-only' | 'inert-objects' = 'weights-only';
  let pass1;
  try {
    pass1 = readObject(mode, declare);
  } catch (error) {
    if (!(opts.allowWholeModel && error instanceof CheckpointError && error.code === 'unsupported-global'))
      throw error;
    mode = 'inert-objects';
    pass1 = readObject(mode, declare);
  }

  const keys = header(pass1.end);
  const records = storageRecords(bytes, keys.end, keys.value, declared);
  const table = new StorageTable(
    (key) => records.get(key),
    (key) => `${label}/storage ${key}`,
    false,
  );
  const value = readObject(mode, (parts) => table.load(parts)).value;
  if (mode === 'weights-only') return { value };
  const recovered = recoverStateDict(value);
  if (recovered === undefined) {
    throw new CheckpointError('unsupported-global', 'the file pickles objects outside the allowlist', label);
  }
  return { value: recovered.stateDict, wholeModelClass: recovered.className };
}

/** The 6-tuple id; `view_metadata` (very old files' storage slices) is refused rather than guessed. */
function parseLegacyId(pid: PyValue): StorageIdParts {
  const parts = parseStorageId(pid, 6, label);
  const view = (pid as { items: readonly PyValue[] }).items[5];
  check(
    view === null,
    'legacy-malformed',
    'storage views (view_metadata) from torch < 0.4 are not supported',
    label,
  );
  return parts;
}

/** Slices each storage's bytes out of the data section: i64 count, then count x itemsize bytes. */
function storageRecords(
  bytes: Uint8Array,
  start: number,
  keys: PyValue,
  declared: ReadonlyMap<string, { readonly dtype: DTypeInfo }>,
): Map<string, Uint8Array> {
  check(Array.isArray(keys), 'legacy-malformed', 'the storage key list is not a list', label);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records = new Map<string, Uint8Array>();
  let offset = start;
  for (const key of keys) {
    check(typeof key === 'string', 'legacy-malformed', 'a storage key is not a string', label);
    const dtype = declared.get(key)?.dtype;
    check(dtype !== undefined, 'legacy-malformed', `storage ${key} is listed but never used`, label);
    check(
      offset + 8 <= bytes.byteLength,
      'truncated',
      `storage ${key} count is past the end`,
      `${label}@${offset}`,
    );
    const count = view.getBigInt64(offset, true);
    const nbytes = count * BigInt(dtype.itemsize);
    check(
      count >= 0n && nbytes <= BigInt(bytes.byteLength - offset - 8),
      'truncated',
      `storage ${key} claims ${count} elements, more than the file holds`,
      `${label}@${offset}`,
    );
    offset += 8;
    records.set(key, bytes.subarray(offset, offset + Number(nbytes)));
    offset += Number(nbytes);
  }
  return records;
}
