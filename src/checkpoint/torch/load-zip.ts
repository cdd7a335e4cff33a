/**
 * Reads a torch zip checkpoint (torch >= 1.6): `<root>/data.pkl` through the allowlisted pickle VM, each
 * storage from `<root>/data/<key>`, zero-copy when the record is stored and little-endian.
 * FORMAT.md §1 and §3; torch/serialization.py `_load`; caffe2/serialize/inline_container.cc.
 */
import { CheckpointError, check } from '../errors.ts';
import { type LoadOptions, defaultLoadOptions } from '../options.ts';
import { readPickle } from '../pickle/read.ts';
import { type PyValue } from '../values.ts';
import { ZipArchive, type ZipEntry, type ZipLimits, readZip } from '../zip/read.ts';
import { parseStorageId, StorageTable } from './storage-records.ts';
import { recoverStateDict } from './whole-model.ts';

export interface TorchZipContents {
  readonly value: PyValue;
  /** The folder every entry lives in: `archive`, or the saved file's base name. */
  readonly root: string;
  /** Set when the file was a whole pickled `nn.Module`; `value` is then its recovered state_dict. */
  readonly wholeModelClass?: string;
}

/** Archive format versions torch accepts (caffe2/serialize/versions.h kMin/kMaxSupportedFileFormatVersion). */
const minVersion = 1;
const maxVersion = 10;

/** From the file's bytes, or from an archive already opened (a file read entry by entry, in Node). */
export function loadTorchZip(input: Uint8Array | ZipArchive, options: LoadOptions = {}): TorchZipContents {
  const opts = { ...defaultLoadOptions, ...options };
  const zip = input instanceof ZipArchive ? input : readZip(input, zipLimits(opts));
  const root = archiveRoot(zip);
  const entry = (name: string) => zip.get(`${root}/${name}`);

  check(
    entry('constants.pkl') === undefined,
    'torchscript',
    'this is a TorchScript archive, not a checkpoint',
    `${root}/constants.pkl`,
  );
  checkVersion(smallRecord(entry('version'), root), smallRecord(entry('.data/version'), root), root);
  const bigEndian = byteOrder(smallRecord(entry('byteorder'), root), root) === 'big';

  const pickleEntry = entry('data.pkl');
  if (pickleEntry === undefined)
    throw new CheckpointError('missing-record', 'no data.pkl in the archive', root);
  // Read while it inflates: a deflated data.pkl of gigabytes that is bad at its first byte costs one slice.
  const { bytes: pickleBytes, ensure } = pickleEntry.partialData();
  const label = `${root}/data.pkl`;

  const read = (mode: 'weights-only' | 'inert-objects') => {
    const storages = new StorageTable(
      (key) => entry(`data/${key}`)?.data(),
      (key) => `${root}/data/${key}`,
      bigEndian,
    );
    return readPickle(pickleBytes, {
      mode,
      label,
      ensure,
      limits: { maxDepth: opts.maxDepth, maxMemo: opts.maxMemo },
      persistentLoad: (pid) => storages.load(parseStorageId(pid, 5, label)),
    });
  };

  try {
    return { value: read('weights-only'), root };
  } catch (error) {
    if (!(opts.allowWholeModel && error instanceof CheckpointError && error.code === 'unsupported-global')) {
      throw error;
    }
    const recovered = recoverStateDict(read('inert-objects'));
    if (recovered === undefined) throw error; // not a module after all: the allowlist's verdict stands
    return { value: recovered.stateDict, root, wholeModelClass: recovered.className };
  }
}

/** The zip reader's share of the load options. */
export function zipLimits(options: LoadOptions): ZipLimits {
  const opts = { ...defaultLoadOptions, ...options };
  return { maxEntries: opts.maxEntries, maxInflatedBytes: opts.maxInflatedBytes };
}

/** Every entry must sit in one folder, named by the first central-directory entry ([ic] `init()`). */
function archiveRoot(zip: ZipArchive): string {
  const first = zip.entries[0];
  if (first === undefined) throw new CheckpointError('missing-record', 'the archive has no entries');
  const slash = first.name.indexOf('/');
  check(slash > 0, 'bad-entry-name', 'file in archive is not in a subdirectory', first.name);
  const root = first.name.slice(0, slash);
  for (const e of zip.entries) {
    check(
      e.name.startsWith(`${root}/`),
      'bad-entry-name',
      `entry is outside the archive root ${root}/`,
      e.name,
    );
  }
  return root;
}

/**
 * `version` and `byteorder` hold a few ASCII bytes. Their declared size is checked before anything is
 * read or inflated: a deflated `byteorder` of 1 GiB is refused for its size, not after inflating it.
 */
const maxSmallRecordBytes = 64;

function smallRecord(record: ZipEntry | undefined, root: string): Uint8Array | undefined {
  if (record === undefined) return undefined;
  check(
    record.size <= maxSmallRecordBytes,
    'zip-malformed',
    `a ${record.size}-byte record where a few ASCII bytes belong`,
    record.name.startsWith(`${root}/`) ? record.name : `${root}/${record.name}`,
  );
  return record.data();
}

/**
 * The archive format version, from `.data/version` or `version` ([ic] `init()`). When both are there
 * and say different things, the bytes are ambiguous (torch refuses such a file): refused here too.
 */
function checkVersion(plain: Uint8Array | undefined, dotData: Uint8Array | undefined, root: string): void {
  const record = plain ?? dotData;
  if (record === undefined) throw new CheckpointError('missing-record', 'no version record', root);
  const text = new TextDecoder().decode(record).trim();
  if (plain !== undefined && dotData !== undefined) {
    const other = new TextDecoder().decode(dotData).trim();
    check(
      other === text,
      'unsupported-version',
      `the version record says ${JSON.stringify(text)} but .data/version says ${JSON.stringify(other)}`,
      `${root}/version`,
    );
  }
  const version = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  check(
    version >= minVersion && version <= maxVersion,
    'unsupported-version',
    `archive format version ${JSON.stringify(text)} is outside ${minVersion}..${maxVersion}`,
    `${root}/version`,
  );
}

function byteOrder(record: Uint8Array | undefined, root: string): 'little' | 'big' {
  if (record === undefined) return 'little'; // files from before torch 2.1 have no record: little-endian
  const text = new TextDecoder().decode(record);
  check(
    text === 'little' || text === 'big',
    'zip-malformed',
    `byteorder is ${JSON.stringify(text.slice(0, 20))}`,
    `${root}/byteorder`,
  );
  return text;
}
