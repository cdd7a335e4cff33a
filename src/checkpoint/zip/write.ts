/**
 * Writing a zip exactly as torch 2.x (miniz) does, byte for byte: stored entries, flags 0x0808, zeroed
 * time/date and local sizes, 64-byte aligned payloads, a data descriptor after each, and zip64 end records
 * always (FORMAT.md §1; positions in `layout.ts`, record encodings in `headers.ts`). Like torch's default
 * we fill in each CRC-32, which other zip tools check.
 *
 * The total size is known before anything is written, so the output is one allocation and every payload
 * is copied exactly once, its CRC computed in the same pass.
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
  const names = encodeNames(entries);
  const pieces = entries.map((entry) => (entry.data instanceof Uint8Array ? [entry.data] : entry.data));
  const sizes = pieces.map((parts) => parts.reduce((sum, part) => sum + part.length, 0));
  const layout = planZip(names.map((name, i) => ({ nameLength: name.length, size: sizes[i] as number })));
  if (layout.totalLength > maxOutputBytes) {
    throw new CheckpointError(
      'limit-exceeded',
      `the archive would be ${layout.totalLength} bytes; one buffer holds at most ${maxOutputBytes}`,
    );
  }

  const out = new Uint8Array(layout.totalLength);
  const crcs = layout.entries.map((entry, i) => {
    const size = sizes[i] as number;
    writeLocalHeader(out, entry.headerOffset, entry, names[i] as Uint8Array, size);
    let crc = 0;
    let cursor = entry.payloadOffset;
    for (const part of pieces[i] as readonly Uint8Array[]) {
      out.set(part, cursor);
      crc = crc32(part, crc);
      cursor += part.length;
    }
    writeDescriptor(out, entry.descriptorOffset, entry, crc, size);
    return crc;
  });
  layout.entries.forEach((entry, i) => {
    writeCentralHeader(
      out,
      entry.centralOffset,
      entry,
      names[i] as Uint8Array,
      sizes[i] as number,
      crcs[i] as number,
    );
  });
  writeEndRecords(out, layout.zip64EndOffset, layout, entries.length);
  return out;
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
