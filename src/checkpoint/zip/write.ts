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
import { planZip } from './layout.ts';

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
  const names = encodeNames(entries);
  const pieces = entries.map((entry) => (entry.data instanceof Uint8Array ? [entry.data] : entry.data));
  const sizes = pieces.map((parts) => parts.reduce((sum, part) => sum + part.length, 0));
  const layout = planZip(names.map((name, i) => ({ nameLength: name.length, size: sizes[i] as number })));
  const payloadTotal = sizes.reduce((sum, size) => sum + size, 0);

  // Everything but the payloads lives in `meta`; a position in the archive maps to it by subtracting the
  // payload bytes that come before that position.
  const meta = new Uint8Array(layout.totalLength - payloadTotal);
  const parts: Uint8Array[] = [];
  let payloadsBefore = 0;
  let metaStart = 0;
  const crcs = layout.entries.map((entry, i) => {
    const size = sizes[i] as number;
    writeLocalHeader(meta, entry.headerOffset - payloadsBefore, entry, names[i] as Uint8Array, size);
    parts.push(meta.subarray(metaStart, entry.payloadOffset - payloadsBefore));
    let crc = 0;
    for (const part of pieces[i] as readonly Uint8Array[]) {
      if (part.length > 0) parts.push(part);
      crc = crc32(part, crc);
    }
    payloadsBefore += size;
    metaStart = entry.payloadOffset + size - payloadsBefore;
    writeDescriptor(meta, entry.descriptorOffset - payloadsBefore, entry, crc, size);
    return crc;
  });
  layout.entries.forEach((entry, i) => {
    writeCentralHeader(
      meta,
      entry.centralOffset - payloadTotal,
      entry,
      names[i] as Uint8Array,
      sizes[i] as number,
      crcs[i] as number,
    );
  });
  writeEndRecords(meta, layout.zip64EndOffset - payloadTotal, layout, entries.length);
  parts.push(meta.subarray(metaStart));
  return parts;
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
