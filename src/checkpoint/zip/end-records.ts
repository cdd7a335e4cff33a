/**
 * Finding the central directory from the end of the file: the classic end record (scanning backwards
 * past a comment of up to 65,535 bytes) and, when a zip64 locator sits right before it, the zip64 end
 * record, whose 64-bit fields win. miniz (torch) always writes both; Python writes zip64 only when needed.
 */
import { CheckpointError } from '../errors.ts';
import type { ByteReader } from './byte-reader.ts';
import { fixedSize, maxCommentLength, signature, u16Sentinel, u32Sentinel } from './records.ts';

export interface CentralDirectoryLocation {
  readonly entryCount: number;
  readonly offset: number;
  readonly size: number;
  /** Where the end records begin: the central directory must finish at or before this offset. */
  readonly limit: number;
}

export function locateCentralDirectory(reader: ByteReader): CentralDirectoryLocation {
  const endAt = findEndRecord(reader);
  const at = `end record@${endAt}`;
  const classic = {
    disk: reader.u16(endAt + 4),
    directoryDisk: reader.u16(endAt + 6),
    entriesOnDisk: reader.u16(endAt + 8),
    entryCount: reader.u16(endAt + 10),
    size: reader.u32(endAt + 12),
    offset: reader.u32(endAt + 16),
  };

  const zip64 = readZip64End(reader, endAt);
  let location: CentralDirectoryLocation;
  if (zip64 === undefined) {
    checkSingleDisk(classic, at);
    location = { entryCount: classic.entryCount, offset: classic.offset, size: classic.size, limit: endAt };
  } else {
    checkSingleDisk(zip64, zip64.at);
    // A classic field that is not its sentinel must agree with the zip64 one; otherwise two readers
    // would see two different archives in the same bytes.
    const agrees = (classicValue: number, sentinel: number, value: number) =>
      classicValue === sentinel || classicValue === value;
    if (
      !agrees(classic.entryCount, u16Sentinel, zip64.entryCount) ||
      !agrees(classic.size, u32Sentinel, zip64.size) ||
      !agrees(classic.offset, u32Sentinel, zip64.offset)
    ) {
      throw new CheckpointError('zip-malformed', 'the classic and zip64 end records disagree', at);
    }
    location = { entryCount: zip64.entryCount, offset: zip64.offset, size: zip64.size, limit: zip64.start };
  }

  if (location.offset + location.size > location.limit) {
    throw new CheckpointError(
      'zip-malformed',
      `central directory (offset ${location.offset}, ${location.size} bytes) runs past its end record at ${location.limit}`,
      at,
    );
  }
  // Each entry takes at least 46 bytes: this bounds the count by the file before anything is allocated.
  if (location.entryCount * fixedSize.centralHeader > location.size) {
    throw new CheckpointError(
      'zip-malformed',
      `${location.entryCount} entries cannot fit in a ${location.size}-byte central directory`,
      at,
    );
  }
  return location;
}

/**
 * The offset of the last classic end record signature in the file's last 65,557 bytes, which are read
 * once (a file read from disk is not asked for one window per candidate offset). miniz (torch) and
 * Python's zipfile both take the last signature; when its comment would run past the end of the file the
 * bytes are ambiguous (an earlier record may describe another archive) and are refused, never read as
 * something other than what torch reads.
 */
function findEndRecord(reader: ByteReader): number {
  const last = reader.length - fixedSize.end;
  const first = Math.max(0, last - maxCommentLength);
  const tail = last < 0 ? new Uint8Array(0) : reader.slice(first, reader.length - first);
  const [s0, s1, s2, s3] = [
    signature.end & 0xff,
    (signature.end >>> 8) & 0xff,
    (signature.end >>> 16) & 0xff,
    signature.end >>> 24,
  ];
  for (let i = last - first; i >= 0; i--) {
    if (tail[i] !== s0 || tail[i + 1] !== s1 || tail[i + 2] !== s2 || tail[i + 3] !== s3) continue;
    const at = first + i;
    const commentLength = (tail[i + 20] as number) | ((tail[i + 21] as number) << 8);
    if (at + fixedSize.end + commentLength > reader.length) {
      throw new CheckpointError(
        'zip-malformed',
        `the last end record's ${commentLength}-byte comment runs past the end of the file`,
        `end record@${at}`,
      );
    }
    return at;
  }
  const startsLikeZip = reader.length >= 2 && reader.u8(0) === 0x50 && reader.u8(1) === 0x4b;
  throw new CheckpointError(
    startsLikeZip ? 'truncated' : 'not-a-checkpoint',
    startsLikeZip
      ? 'failed finding central directory: the end record is missing (is the file cut short?)'
      : 'not a zip archive: no end of central directory record',
  );
}

interface Zip64End {
  readonly start: number;
  readonly at: string;
  readonly disk: number;
  readonly directoryDisk: number;
  readonly entriesOnDisk: number;
  readonly entryCount: number;
  readonly size: number;
  readonly offset: number;
}

function readZip64End(reader: ByteReader, endAt: number): Zip64End | undefined {
  const locatorAt = endAt - fixedSize.zip64Locator;
  if (locatorAt < 0 || reader.u32(locatorAt) !== signature.zip64Locator) return undefined;
  const locatorLabel = `zip64 locator@${locatorAt}`;
  if (reader.u32(locatorAt + 4) !== 0 || reader.u32(locatorAt + 16) > 1) {
    throw new CheckpointError(
      'zip-unsupported',
      'multi-disk (spanned) archives are not supported',
      locatorLabel,
    );
  }
  const start = reader.u64(locatorAt + 8, 'zip64 end record offset', locatorLabel);
  const at = `zip64 end record@${start}`;
  if (start + fixedSize.zip64End > locatorAt) {
    throw new CheckpointError('zip-malformed', 'zip64 end record does not fit before its locator', at);
  }
  if (reader.u32(start) !== signature.zip64End) {
    throw new CheckpointError('zip-malformed', 'zip64 locator does not point at a zip64 end record', at);
  }
  // The record's own size excludes its first 12 bytes; anything past 44 is "extensible data".
  const recordSize = reader.u64(start + 4, 'zip64 end record size', at);
  if (recordSize < fixedSize.zip64End - 12 || start + 12 + recordSize > locatorAt) {
    throw new CheckpointError('zip-malformed', `zip64 end record size ${recordSize} is impossible`, at);
  }
  return {
    start,
    at,
    disk: reader.u32(start + 16),
    directoryDisk: reader.u32(start + 20),
    entriesOnDisk: reader.u64(start + 24, 'entry count', at),
    entryCount: reader.u64(start + 32, 'entry count', at),
    size: reader.u64(start + 40, 'central directory size', at),
    offset: reader.u64(start + 48, 'central directory offset', at),
  };
}

function checkSingleDisk(
  record: { disk: number; directoryDisk: number; entriesOnDisk: number; entryCount: number },
  at: string,
): void {
  if (record.disk !== 0 || record.directoryDisk !== 0 || record.entriesOnDisk !== record.entryCount) {
    throw new CheckpointError('zip-unsupported', 'multi-disk (spanned) archives are not supported', at);
  }
}
