/**
 * Writing a zip exactly as torch 2.x (miniz) does, byte for byte: stored entries, flags 0x0808, zeroed
 * time/date and local sizes, 64-byte aligned payloads, a data descriptor after each, and zip64 end records
 * always (FORMAT.md §1; positions in `layout.ts`, record encodings in `headers.ts`). Like torch's default
 * we fill in each CRC-32, which other zip tools check.
 *
 * The total size is known before anything is written: `writeZipParts` returns the payloads themselves
 * between header buffers (no copy), and `writeZip` joins them into one allocation.
 */
import { CheckpointError } from '../errors.ts';
import { crc32 } from './crc32.ts';
import { checkEntryName } from './entry-names.ts';
import { writeCentralHeader, writeDescriptor, writeEndRecords, writeLocalHeader } from './headers.ts';
import { type EntryLayout, planZip } from './layout.ts';

export interface ZipWriteEntry {
  readonly name: string;
  /** The payload, or its pieces in order (written back to back, without joining them first). */
  readonly data: Uint8Array | readonly Uint8Array[];
}

/** The longest typed array JavaScript engines allocate today (V8: 2^32 bytes). */
const maxOutputBytes = 2 ** 32;

const utf8 = new TextEncoder();

export function writeZip(entries: readonly ZipWriteEntry[]): Uint8Array {
  const parts = writeZipParts(entries);
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  if (total > maxOutputBytes) {
    throw new CheckpointError(
      'limit-exceeded',
      `the archive would be ${total} bytes; one buffer holds at most ${maxOutputBytes}`,
    );
  }
  const out = new Uint8Array(total);
  let cursor = 0;
  for (const part of parts) {
    out.set(part, cursor);
    cursor += part.length;
  }
  return out;
}

/**
 * The archive as a list of pieces whose concatenation is `writeZip`'s output: the payloads themselves (no
 * copy) between small buffers of headers. A file writer hands them to `writev`, a browser to `new Blob()`,
 * so a 100 MiB checkpoint is never copied in memory at all; only its CRC is computed.
 */
export function writeZipParts(entries: readonly ZipWriteEntry[]): Uint8Array[] {
  const pending = planZipParts(entries);
  pending.payloads.forEach((pieces, i) => pending.setCrc(i, crcOf(pieces)));
  return [...pending.parts];
}

/**
 * The archive's pieces before any CRC is known. torch's local headers carry no CRC (it sits in the data
 * descriptor after each payload, and in the central directory), so everything up to the end of entry i's
 * payload can be written before entry i's CRC exists: `streamZipParts` uses that to compute one entry's
 * CRC while the pieces before it are being written.
 */
export interface PendingZip {
  /** The whole archive in order; descriptors and central records hold CRC 0 until `setCrc`. */
  readonly parts: readonly Uint8Array[];
  /** Each entry's payload pieces. */
  readonly payloads: readonly (readonly Uint8Array[])[];
  /** For entry i, the index in `parts` just past its payload: the next piece holds its descriptor. */
  readonly payloadEnds: readonly number[];
  setCrc(entry: number, crc: number): void;
}

export function planZipParts(entries: readonly ZipWriteEntry[]): PendingZip {
  const names = encodeNames(entries);
  const payloads = entries.map((entry) => (entry.data instanceof Uint8Array ? [entry.data] : entry.data));
  const sizes = payloads.map((parts) => parts.reduce((sum, part) => sum + part.length, 0));
  const layout = planZip(names.map((name, i) => ({ nameLength: name.length, size: sizes[i] as number })));
  const payloadTotal = sizes.reduce((sum, size) => sum + size, 0);

  // Everything but the payloads lives in `meta`; a position in the archive maps to it by subtracting the
  // payload bytes that come before that position.
  const meta = new Uint8Array(layout.totalLength - payloadTotal);
  const parts: Uint8Array[] = [];
  const payloadEnds: number[] = [];
  const descriptorAt: number[] = [];
  let payloadsBefore = 0;
  let metaStart = 0;
  layout.entries.forEach((entry, i) => {
    const size = sizes[i] as number;
    writeLocalHeader(meta, entry.headerOffset - payloadsBefore, entry, names[i] as Uint8Array, size);
    parts.push(meta.subarray(metaStart, entry.payloadOffset - payloadsBefore));
    for (const part of payloads[i] as readonly Uint8Array[]) if (part.length > 0) parts.push(part);
    payloadEnds.push(parts.length);
    payloadsBefore += size;
    metaStart = entry.payloadOffset + size - payloadsBefore;
    descriptorAt.push(entry.descriptorOffset - payloadsBefore);
  });
  const setCrc = (i: number, crc: number) => {
    const entry = layout.entries[i] as EntryLayout;
    const size = sizes[i] as number;
    writeDescriptor(meta, descriptorAt[i] as number, entry, crc, size);
    const name = names[i] as Uint8Array;
    writeCentralHeader(meta, entry.centralOffset - payloadTotal, entry, name, size, crc);
  };
  layout.entries.forEach((_, i) => setCrc(i, 0));
  writeEndRecords(meta, layout.zip64EndOffset - payloadTotal, layout, entries.length);
  parts.push(meta.subarray(metaStart));
  return { parts, payloads, payloadEnds, setCrc };
}

/**
 * Hands the archive's pieces to `write` in order, in batches that each end with one entry's payload, and
 * computes that entry's CRC while its batch is being written. With a `write` that runs off the main
 * thread (a file on libuv's thread pool), checksumming 100 MiB (about 30 ms here) hides behind the write
 * instead of adding to it. Nothing is written twice and the bytes equal `writeZipParts`'s.
 */
export async function streamZipParts(
  pending: PendingZip,
  write: (parts: readonly Uint8Array[]) => Promise<void>,
): Promise<void> {
  let next = 0;
  let writing = Promise.resolve();
  for (let i = 0; i < pending.payloads.length; i++) {
    const end = pending.payloadEnds[i] as number;
    const batch = pending.parts.slice(next, end);
    next = end;
    await writing; // the previous batch, whose last piece's CRC the batch's first piece holds, is out
    writing = write(batch);
    // Written while `batch` is in flight: the batch never includes this entry's descriptor.
    pending.setCrc(i, crcOf(pending.payloads[i] as readonly Uint8Array[]));
  }
  await writing;
  await write(pending.parts.slice(next));
}

function crcOf(pieces: readonly Uint8Array[]): number {
  let crc = 0;
  for (const piece of pieces) crc = crc32(piece, crc);
  return crc;
}

/** UTF-8 names, checked as the reader checks them: a name we would refuse to read is never written. */
function encodeNames(entries: readonly ZipWriteEntry[]): Uint8Array[] {
  const seen = new Set<string>();
  return entries.map(({ name }) => {
    checkEntryName(name, name);
    if (seen.has(name)) throw new CheckpointError('bad-entry-name', 'duplicate entry name', name);
    seen.add(name);
    const encoded = utf8.encode(name);
    if (encoded.length > 0xffff) {
      throw new CheckpointError('unsupported-value', 'entry name is longer than 65,535 bytes', name);
    }
    return encoded;
  });
}
