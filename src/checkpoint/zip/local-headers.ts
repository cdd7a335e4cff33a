/**
 * Local headers: each must exist where the central directory says, carry the same name and method, and
 * its data must end before the central directory and before the next entry begins. Sizes come from the
 * central directory (the local copies are 0 when a data descriptor follows, as torch writes them).
 *
 * Refusing overlaps matters: entries that share bytes are how "non-recursive" zip bombs multiply one
 * compressed kernel into many huge entries, and how two tools can be shown different contents.
 */
import { CheckpointError } from '../errors.ts';
import type { ByteReader } from './byte-reader.ts';
import type { CentralRecord } from './central-directory.ts';
import { fixedSize, flag, signature } from './records.ts';

/** The offset of each record's payload, in the same order as `records`. */
export function locatePayloads(
  reader: ByteReader,
  records: readonly CentralRecord[],
  directoryOffset: number,
): number[] {
  const payloadOffsets = records.map((record) => payloadOffset(reader, record, directoryOffset));

  const spans = records.map((record, index) => ({
    record,
    start: record.localHeaderOffset,
    end: (payloadOffsets[index] as number) + record.compressedSize,
  }));
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    const previous = spans[i - 1] as (typeof spans)[number];
    const current = spans[i] as (typeof spans)[number];
    if (previous.end > current.start) {
      throw new CheckpointError(
        'zip-malformed',
        `entry data (ending at ${previous.end}) overlaps the next entry ${current.record.name} at ${current.start}`,
        `${previous.record.name}@${previous.start}`,
      );
    }
  }
  return payloadOffsets;
}

function payloadOffset(reader: ByteReader, record: CentralRecord, directoryOffset: number): number {
  const at = record.localHeaderOffset;
  const label = `${record.name}@${at}`;
  const malformed = (why: string) => new CheckpointError('zip-malformed', why, label);

  if (at + fixedSize.localHeader > directoryOffset) {
    throw malformed(`local header at ${at} does not fit before the central directory at ${directoryOffset}`);
  }
  if (reader.u32(at) !== signature.localHeader)
    throw malformed('no local header signature where the entry starts');
  const flags = reader.u16(at + 6);
  if (flags & flag.encrypted) {
    throw new CheckpointError('zip-unsupported', 'encrypted entries are not supported', label);
  }
  if (reader.u16(at + 8) !== record.method) {
    throw malformed(
      `local header says method ${reader.u16(at + 8)}, central directory says ${record.method}`,
    );
  }
  const nameLength = reader.u16(at + 26);
  const extraLength = reader.u16(at + 28);
  const nameStart = at + fixedSize.localHeader;
  const payloadStart = nameStart + nameLength + extraLength;
  if (payloadStart + record.compressedSize > directoryOffset) {
    throw malformed(
      `entry data (${payloadStart}..${payloadStart + record.compressedSize}) runs into the central directory at ${directoryOffset}`,
    );
  }
  if (!sameBytes(reader.slice(nameStart, nameLength), record.rawName)) {
    throw malformed('local header names a different file than the central directory');
  }
  return payloadStart;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
