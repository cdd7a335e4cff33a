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
import { ByteReader, type ByteSource } from './byte-reader.ts';
import { type CentralRecord, readCentralDirectory } from './central-directory.ts';
import { crc32 } from './crc32.ts';
import { locateCentralDirectory } from './end-records.ts';
import { LazyInflate } from './inflate.ts';
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

/** Bytes of which only the first `end` are guaranteed once `ensure(end)` has returned. */
export interface PartialBytes {
  readonly bytes: Uint8Array;
  ensure(end: number): void;
}

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
  private readonly archive: ByteSource;
  private inflated: LazyInflate | undefined;

  /** @internal built by readZip after validation */
  constructor(archive: ByteSource, record: CentralRecord, dataOffset: number) {
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
    if (this.method === method.stored) return this.archive.bytes(this.dataOffset, this.size);
    return this.inflating().finish();
  }

  /**
   * The entry's bytes before they are all there: `ensure(end)` makes the first `end` available, inflating
   * no further than asked. A reader that may stop early (the pickle VM at a bad opcode) reads through this.
   */
  partialData(): PartialBytes {
    if (this.method === method.stored) return { bytes: this.data(), ensure: () => undefined };
    const inflating = this.inflating();
    return { bytes: inflating.bytes, ensure: (end) => inflating.ensure(end) };
  }

  private inflating(): LazyInflate {
    this.inflated ??= new LazyInflate(
      this.archive.bytes(this.dataOffset, this.compressedSize),
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

export function readZip(input: Uint8Array | ByteSource, limits: Partial<ZipLimits> = {}): ZipArchive {
  return openZip(readZipDirectory(input, limits));
}

/** An archive's end records and central directory, read and checked; its entries not yet located. */
export interface ZipDirectory {
  readonly reader: ByteReader;
  readonly records: readonly CentralRecord[];
  /** Where the central directory starts: every entry's data must end before it. */
  readonly offset: number;
}

/** The first half of `readZip`: end records, central directory, entry count and zip-bomb limits. */
export function readZipDirectory(
  input: Uint8Array | ByteSource,
  limits: Partial<ZipLimits> = {},
): ZipDirectory {
  const { maxEntries, maxInflatedBytes } = { ...defaultZipLimits, ...limits };
  const reader = new ByteReader(input);
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
  return { reader, records, offset: location.offset };
}

/** The second half: every local header located and checked against its central record. */
export function openZip({ reader, records, offset }: ZipDirectory): ZipArchive {
  const payloadOffsets = locatePayloads(reader, records, offset);
  const entries = records.map(
    (record, i) => new ZipEntry(reader.source, record, payloadOffsets[i] as number),
  );
  return new ZipArchive(entries);
}

/**
 * The stretches of the archive that hold the entries, in file order: from each distinct local header
 * offset to the next one, the last up to the central directory. A reader that fetches these (each in one
 * piece) before `openZip` has every local header and payload at hand; they never overlap, and together
 * they are at most the file.
 */
export function entrySpans({ records, offset }: ZipDirectory): [start: number, end: number][] {
  const starts = [...new Set(records.map((r) => r.localHeaderOffset))]
    .filter((start) => start < offset)
    .sort((a, b) => a - b);
  return starts.map((start, i) => [start, starts[i + 1] ?? offset]);
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
