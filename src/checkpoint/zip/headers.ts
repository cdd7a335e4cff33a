/**
 * The records the writer emits, encoded as miniz encodes them for torch (FORMAT.md §1). Each writes into
 * `out` at `at`; the values it encodes (offsets, sizes) come from the layout, so `at` need not be the
 * record's real position: tests encode the headers of a > 4 GiB torch file into a small buffer and compare
 * them with the bytes torch wrote.
 */
import type { EntryLayout, ZipLayout } from './layout.ts';
import { extraId, fixedSize, signature, u16Sentinel, u32Sentinel } from './records.ts';

/** "Z", the byte torch pads its alignment extra with. */
const paddingByte = 0x5a;

function viewOf(out: Uint8Array): DataView {
  return new DataView(out.buffer, out.byteOffset, out.byteLength);
}

/** Local header + name + [zip64 extra] + "FB" padding extra; ends exactly where the payload starts. */
export function writeLocalHeader(
  out: Uint8Array,
  at: number,
  entry: EntryLayout,
  name: Uint8Array,
  size: number,
) {
  const view = viewOf(out);
  view.setUint32(at, signature.localHeader, true);
  // Version needed (0 for stored), time, date, CRC and both sizes stay 0: miniz defers them to the
  // descriptor.
  view.setUint16(at + 6, entry.flags, true);
  view.setUint16(at + 26, name.length, true);
  view.setUint16(at + 28, entry.localExtraLength, true);
  out.set(name, at + fixedSize.localHeader);
  let cursor = at + fixedSize.localHeader + name.length;
  if (entry.zip64ExtraLength > 0) {
    // miniz fills this extra before it has written the data, so its compressed size is still 0.
    cursor = writeZip64Extra(view, cursor, entry, size, 0);
  }
  view.setUint16(cursor, extraId.torchPadding, true);
  view.setUint16(cursor + 2, entry.padding, true);
  out.fill(paddingByte, cursor + 4, cursor + 4 + entry.padding);
}

/**
 * `PK\7\8`, CRC, compressed and uncompressed size: u64 sizes whenever the entry has a zip64 extra.
 * Writes nothing for an empty entry, which has no descriptor.
 */
export function writeDescriptor(out: Uint8Array, at: number, entry: EntryLayout, crc: number, size: number) {
  if (entry.descriptorLength === 0) return;
  const view = viewOf(out);
  view.setUint32(at, signature.dataDescriptor, true);
  view.setUint32(at + 4, crc, true);
  if (entry.descriptorLength === fixedSize.dataDescriptor64) {
    view.setBigUint64(at + 8, BigInt(size), true);
    view.setBigUint64(at + 16, BigInt(size), true);
  } else {
    view.setUint32(at + 8, size, true);
    view.setUint32(at + 12, size, true);
  }
}

export function writeCentralHeader(
  out: Uint8Array,
  at: number,
  entry: EntryLayout,
  name: Uint8Array,
  size: number,
  crc: number,
) {
  const view = viewOf(out);
  view.setUint32(at, signature.centralHeader, true);
  // Version made by/needed, method, time, date, comment length, disk and attributes are all 0.
  view.setUint16(at + 8, entry.flags, true);
  view.setUint32(at + 16, crc, true);
  view.setUint32(at + 20, Math.min(size, u32Sentinel), true);
  view.setUint32(at + 24, Math.min(size, u32Sentinel), true);
  view.setUint16(at + 28, name.length, true);
  view.setUint16(at + 30, entry.zip64ExtraLength, true);
  view.setUint32(at + 42, Math.min(entry.headerOffset, u32Sentinel), true);
  out.set(name, at + fixedSize.centralHeader);
  if (entry.zip64ExtraLength > 0) {
    writeZip64Extra(view, at + fixedSize.centralHeader + name.length, entry, size, size);
  }
}

/** Zip64 end record, zip64 locator, classic end record, back to back from `at`. */
export function writeEndRecords(out: Uint8Array, at: number, layout: ZipLayout, count: number) {
  const view = viewOf(out);
  const z = at;
  view.setUint32(z, signature.zip64End, true);
  view.setBigUint64(z + 4, BigInt(fixedSize.zip64End - 12), true); // excludes its own first 12 bytes
  view.setUint16(z + 12, 0x031e, true); // made by: miniz's constant (Unix, 3.0)
  view.setUint16(z + 14, 0x002d, true); // needed: 4.5 (zip64)
  view.setBigUint64(z + 24, BigInt(count), true);
  view.setBigUint64(z + 32, BigInt(count), true);
  view.setBigUint64(z + 40, BigInt(layout.centralDirectoryLength), true);
  view.setBigUint64(z + 48, BigInt(layout.centralDirectoryOffset), true);

  const locator = z + fixedSize.zip64End;
  view.setUint32(locator, signature.zip64Locator, true);
  view.setBigUint64(locator + 8, BigInt(layout.zip64EndOffset), true);
  view.setUint32(locator + 16, 1, true); // total number of disks

  const end = locator + fixedSize.zip64Locator;
  view.setUint32(end, signature.end, true);
  view.setUint16(end + 8, Math.min(count, u16Sentinel), true);
  view.setUint16(end + 10, Math.min(count, u16Sentinel), true);
  view.setUint32(end + 12, Math.min(layout.centralDirectoryLength, u32Sentinel), true);
  view.setUint32(end + 16, Math.min(layout.centralDirectoryOffset, u32Sentinel), true);
}

/** The zip64 extra (id 1): size and compressed size if the size overflowed, then the header offset if it did. */
function writeZip64Extra(
  view: DataView,
  at: number,
  entry: EntryLayout,
  size: number,
  compressedSize: number,
): number {
  view.setUint16(at, extraId.zip64, true);
  view.setUint16(at + 2, entry.zip64ExtraLength - 4, true);
  let cursor = at + 4;
  if (entry.sizeOverflows) {
    view.setBigUint64(cursor, BigInt(size), true);
    view.setBigUint64(cursor + 8, BigInt(compressedSize), true);
    cursor += 16;
  }
  if (entry.offsetOverflows) {
    view.setBigUint64(cursor, BigInt(entry.headerOffset), true);
    cursor += 8;
  }
  return cursor;
}
