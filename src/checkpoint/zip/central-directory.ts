/**
 * Parsing the central directory: one record per entry, with its zip64 extra resolved, its name decoded
 * and checked, and everything this reader will not handle (encryption, other methods, other disks)
 * refused. Local headers are checked against these records in `local-headers.ts`.
 */
import { CheckpointError } from '../errors.ts';
import type { ByteReader } from './byte-reader.ts';
import type { CentralDirectoryLocation } from './end-records.ts';
import { checkEntryName, decodeEntryName } from './entry-names.ts';
import { extraId, fixedSize, flag, method, signature, u16Sentinel, u32Sentinel } from './records.ts';

export interface CentralRecord {
  readonly name: string;
  readonly rawName: Uint8Array;
  readonly flags: number;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
  /** Where this record sits in the central directory, for error messages. */
  readonly recordOffset: number;
}

export function readCentralDirectory(
  reader: ByteReader,
  location: CentralDirectoryLocation,
): CentralRecord[] {
  const records: CentralRecord[] = [];
  const seen = new Set<string>();
  const end = location.offset + location.size;
  let cursor = location.offset;
  for (let index = 0; index < location.entryCount; index++) {
    const record = readRecord(reader, cursor, end, index);
    if (seen.has(record.name)) {
      throw new CheckpointError('bad-entry-name', 'duplicate entry name', `${record.name}@${cursor}`);
    }
    seen.add(record.name);
    records.push(record);
    cursor +=
      fixedSize.centralHeader + reader.u16(cursor + 28) + reader.u16(cursor + 30) + reader.u16(cursor + 32);
  }
  return records;
}

function readRecord(reader: ByteReader, at: number, directoryEnd: number, index: number): CentralRecord {
  const where = `central directory entry ${index}@${at}`;
  const malformed = (why: string, label = where) => new CheckpointError('zip-malformed', why, label);
  if (at + fixedSize.centralHeader > directoryEnd)
    throw malformed('entry runs past the end of the central directory');
  if (reader.u32(at) !== signature.centralHeader) throw malformed('bad central directory entry signature');

  const flags = reader.u16(at + 8);
  const nameLength = reader.u16(at + 28);
  const extraLength = reader.u16(at + 30);
  const commentLength = reader.u16(at + 32);
  if (at + fixedSize.centralHeader + nameLength + extraLength + commentLength > directoryEnd) {
    throw malformed('entry name, extra or comment runs past the end of the central directory');
  }
  const rawName = reader.slice(at + fixedSize.centralHeader, nameLength);
  const name = decodeEntryName(rawName, (flags & flag.utf8Name) !== 0, where);
  const label = `${name}@${at}`;
  checkEntryName(name, label);

  if (flags & (flag.encrypted | flag.strongEncryption | flag.maskedHeaders)) {
    throw new CheckpointError('zip-unsupported', 'encrypted entries are not supported', label);
  }
  const compression = reader.u16(at + 10);
  if (compression !== method.stored && compression !== method.deflate) {
    throw new CheckpointError('zip-unsupported', `compression method ${compression} is not supported`, label);
  }

  // Fields that overflowed hold a sentinel; their real values follow in the zip64 extra, in this order.
  let size = reader.u32(at + 24);
  let compressedSize = reader.u32(at + 20);
  let localHeaderOffset = reader.u32(at + 42);
  let disk = reader.u16(at + 34);
  const extraStart = at + fixedSize.centralHeader + nameLength;
  const zip64 = findExtra(reader, extraStart, extraStart + extraLength, extraId.zip64, label);
  if (
    size === u32Sentinel ||
    compressedSize === u32Sentinel ||
    localHeaderOffset === u32Sentinel ||
    disk === u16Sentinel
  ) {
    if (zip64 === undefined)
      throw malformed('a size or offset says "see zip64" but there is no zip64 extra', label);
    let cursor = zip64.start;
    const next64 = (what: string): number => {
      if (cursor + 8 > zip64.end) throw malformed(`zip64 extra is too short to hold the ${what}`, label);
      const value = reader.u64(cursor, what, label);
      cursor += 8;
      return value;
    };
    if (size === u32Sentinel) size = next64('uncompressed size');
    if (compressedSize === u32Sentinel) compressedSize = next64('compressed size');
    if (localHeaderOffset === u32Sentinel) localHeaderOffset = next64('local header offset');
    if (disk === u16Sentinel) {
      if (cursor + 4 > zip64.end) throw malformed('zip64 extra is too short to hold the disk number', label);
      disk = reader.u32(cursor);
    }
  }
  if (disk !== 0)
    throw new CheckpointError('zip-unsupported', 'multi-disk archives are not supported', label);
  if (compression === method.stored && compressedSize !== size) {
    throw malformed(`stored entry has compressed size ${compressedSize} but size ${size}`, label);
  }

  return {
    name,
    rawName,
    flags,
    method: compression,
    crc32: reader.u32(at + 16),
    compressedSize,
    size,
    localHeaderOffset,
    recordOffset: at,
  };
}

/**
 * Walks every extra field (as Python's zipfile does, refusing one that runs past the entry) and returns
 * the data range of the first with this id.
 */
function findExtra(
  reader: ByteReader,
  start: number,
  end: number,
  id: number,
  label: string,
): { start: number; end: number } | undefined {
  let found: { start: number; end: number } | undefined;
  let cursor = start;
  // Fewer than 4 trailing bytes cannot hold a field header; some writers leave such padding, so ignore it.
  while (cursor + 4 <= end) {
    const fieldId = reader.u16(cursor);
    const fieldSize = reader.u16(cursor + 2);
    const dataStart = cursor + 4;
    if (dataStart + fieldSize > end) {
      throw new CheckpointError(
        'zip-malformed',
        `extra field 0x${fieldId.toString(16)} runs past its entry`,
        label,
      );
    }
    if (fieldId === id && found === undefined) found = { start: dataStart, end: dataStart + fieldSize };
    cursor = dataStart + fieldSize;
  }
  return found;
}
