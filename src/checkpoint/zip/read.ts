/**
 * Reading a zip archive held in memory (FORMAT.md §1). Stored entries come back as zero-copy views of the
 * input, so tensors can be views over the file's own bytes; deflated ones are inflated on first use into
 * a buffer of exactly their declared size.
 *
 * The whole structure is validated up front (end records, every central-directory entry, every local
 * header, no overlaps, names, limits), so a file that opens is one whose every entry can be read. CRCs are
 * not checked unless asked (`verifyCrc`): torch writes CRC 0 with `compute_crc32=False` and its own
 * reader ignores CRCs.
 */
import { CheckpointError } from '../errors.ts';
import { ByteReader } from './byte-reader.ts';
import { type CentralRecord, readCentralDirectory } from './central-directory.ts';
import { crc32 } from './crc32.ts';
import { locateCentralDirectory } from './end-records.ts';
import { inflateExactly } from './inflate.ts';
import { locatePayloads } from './local-headers.ts';
import { method } from './records.ts';

export interface ZipLimits {
  /** Most entries in the central directory ('limit-exceeded' beyond). */
  readonly maxEntries: number;
  /** Most bytes all deflated entries may declare, in total ('zip-bomb' beyond). */
  readonly maxInflatedBytes: number;
}

export const defaultZipLimits: ZipLimits = {
  maxEntries: 100_000,
  maxInflatedBytes: 4 * 1024 ** 3,
};

export class ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  /** Uncompressed size, as the central directory declares it. */
  readonly size: number;
  readonly localHeaderOffset: number;
  /** Where the (possibly compressed) payload starts in the archive. */
  readonly dataOffset: number;
  private readonly archive: Uint8Array;
  private inflated: Uint8Array | undefined;

  /** @internal built by readZip after validation */
  constructor(archive: Uint8Array, record: CentralRecord, dataOffset: number) {
    this.archive = archive;
    this.name = record.name;
    this.method = record.method;
    this.crc32 = record.crc32;
    this.compressedSize = record.compressedSize;
    this.size = record.size;
    this.localHeaderOffset = record.localHeaderOffset;
    this.dataOffset = dataOffset;
  }

  /**
   * The entry's bytes: for a stored entry a view of the archive (no copy; writes show through), for a
   * deflated one a buffer inflated once and then kept.
   */
  data(): Uint8Array {
    if (this.method === method.stored) {
      return this.archive.subarray(this.dataOffset, this.dataOffset + this.size);
    }
    this.inflated ??= inflateExactly(
      this.archive.subarray(this.dataOffset, this.dataOffset + this.compressedSize),
      this.size,
      `${this.name}@${this.localHeaderOffset}`,
    );
    return this.inflated;
  }

  /** Throws 'zip-malformed' unless the data's CRC-32 equals the one the central directory records. */
  verifyCrc(): void {
    const actual = crc32(this.data());
    if (actual !== this.crc32) {
      throw new CheckpointError(
        'zip-malformed',
        `CRC-32 mismatch: data has ${hex(actual)}, central directory says ${hex(this.crc32)}`,
        `${this.name}@${this.localHeaderOffset}`,
      );
    }
  }
}

export class ZipArchive {
  private readonly byName: Map<string, ZipEntry>;

  /** @internal built by readZip */
  constructor(readonly entries: readonly ZipEntry[]) {
    this.byName = new Map(entries.map((entry) => [entry.name, entry]));
  }

  get(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }
}

export function readZip(bytes: Uint8Array, limits: Partial<ZipLimits> = {}): ZipArchive {
  const { maxEntries, maxInflatedBytes } = { ...defaultZipLimits, ...limits };
  const reader = new ByteReader(bytes);
  const location = locateCentralDirectory(reader);
  if (location.entryCount > maxEntries) {
    throw new CheckpointError(
      'limit-exceeded',
      `the archive declares ${location.entryCount} entries; the limit is ${maxEntries}`,
    );
  }

  const records = readCentralDirectory(reader, location);
  let declaredInflated = 0;
  for (const record of records) {
    if (record.method !== method.deflate) continue;
    checkDeflateRatio(record);
    declaredInflated += record.size;
  }
  if (declaredInflated > maxInflatedBytes) {
    throw new CheckpointError(
      'zip-bomb',
      `deflated entries declare ${declaredInflated} bytes in total; the limit is ${maxInflatedBytes}`,
    );
  }

  const payloadOffsets = locatePayloads(reader, records, location.offset);
  return new ZipArchive(records.map((record, i) => new ZipEntry(bytes, record, payloadOffsets[i] as number)));
}

/**
 * Deflate cannot expand more than 1032:1 (a 258-byte match in 2 bits, at best), so a larger declared size
 * is a lie; refusing it keeps `data()` from allocating gigabytes for a few bytes of input.
 */
const maxDeflateRatio = 1032;
const deflateSlack = 1024;

function checkDeflateRatio(record: CentralRecord): void {
  if (record.size > record.compressedSize * maxDeflateRatio + deflateSlack) {
    throw new CheckpointError(
      'zip-malformed',
      `declares ${record.size} bytes, more than ${record.compressedSize} deflated bytes can hold`,
      `${record.name}@${record.localHeaderOffset}`,
    );
  }
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
