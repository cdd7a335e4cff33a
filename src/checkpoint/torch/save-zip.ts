/**
 * Writes a torch zip checkpoint exactly as torch 2.x does (FORMAT.md §1, torch/serialization.py `_save`):
 * `data.pkl` (protocol 2, only what `weights_only=True` accepts), `byteorder`, the storages as `data/<key>`
 * in string-sorted key order, `version`, and `.data/serialization_id`; stored entries aligned to 64 bytes.
 */
import { writePickle } from '../pickle/write.ts';
import { type PyValue } from '../values.ts';
import { crc32 } from '../zip/crc32.ts';
import { type PendingZip, type ZipWriteEntry, planZipParts, writeZip, writeZipParts } from '../zip/write.ts';

export interface SaveOptions {
  /**
   * The archive's root folder. torch uses the file's base name without its last extension when saving to
   * a path (`model.pth` -> `model`) and `archive` for buffers; the folder name does not matter to loaders.
   */
  readonly root?: string;
  /** Pickle PyObjects as class instances (a whole `nn.Module`); see PickleWriteOptions. */
  readonly newObjects?: boolean;
}

/** File format version torch 2.x writes (caffe2/serialize/versions.h kMinProducedFileFormatVersion). */
const producedVersion = '3\n';

/** The checkpoint as one buffer. */
export function saveTorchZip(value: PyValue, options: SaveOptions = {}): Uint8Array {
  return writeZip(torchZipEntries(value, options));
}

/**
 * The same bytes as `saveTorchZip`, as pieces to write one after another (`writev`, `new Blob(parts)`):
 * tensor data is not copied at all.
 */
export function saveTorchZipParts(value: PyValue, options: SaveOptions = {}): Uint8Array[] {
  return writeZipParts(torchZipEntries(value, options));
}

/**
 * The same bytes again, with the CRCs left to `streamZipParts`, which computes each while the pieces before
 * it are written: the fastest way to a file (src/cli/files.ts `writeZipFile`).
 */
export function planTorchZip(value: PyValue, options: SaveOptions = {}): PendingZip {
  return planZipParts(torchZipEntries(value, options));
}

function torchZipEntries(value: PyValue, options: SaveOptions): ZipWriteEntry[] {
  const root = options.root ?? 'archive';
  const { bytes: pickle, storages } = writePickle(value, { newObjects: options.newObjects === true });
  const ascii = (text: string) => new TextEncoder().encode(text);
  const keyed = storages.map((storage, index) => ({ key: String(index), bytes: storage.bytes }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)); // torch writes keys string-sorted
  const entries = [
    { name: `${root}/data.pkl`, data: pickle },
    { name: `${root}/byteorder`, data: ascii('little') },
    ...keyed.map(({ key, bytes }) => ({ name: `${root}/data/${key}`, data: bytes })),
    { name: `${root}/version`, data: ascii(producedVersion) },
  ];
  entries.push({ name: `${root}/.data/serialization_id`, data: ascii(serializationId(pickle)) });
  return entries;
}

/**
 * torch writes a 40-digit decimal id that readers ignore; ours is derived from the pickle so that the same
 * checkpoint always gives the same bytes.
 */
function serializationId(pickle: Uint8Array): string {
  let digits = '';
  let seed = crc32(pickle);
  while (digits.length < 40) {
    seed = crc32(
      Uint8Array.of(seed & 0xff, (seed >>> 8) & 0xff, (seed >>> 16) & 0xff, seed >>> 24, digits.length),
    );
    digits += String(seed % 10_000).padStart(4, '0');
  }
  return digits;
}
