/**
 * A checkpoint file read in pieces rather than as one buffer: `load(spans)` reads stretches of the file
 * concurrently on libuv's thread pool, each into a buffer of its own; `bytes()` then hands out views of
 * them, and reads anything else it is asked for (end records, the central directory) synchronously in
 * 64 KiB windows.
 *
 * Why pieces: a fresh 100 MiB buffer costs about 25,600 page faults on every load, since the C allocator
 * gives allocations this large their own mapping and returns it when freed. Per-entry buffers (4 MiB for
 * a 1024x1024 float32 tensor) are what torch allocates too: the allocator reuses the memory of checkpoints
 * already collected, and four reads in flight spread the copying over the cores.
 */
import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import { type ByteSource, CheckpointError } from '../checkpoint/index.ts';

const readAt = promisify(read);
const window = 64 * 1024;

interface Segment {
  /** File offset of `bytes[0]`. */
  readonly start: number;
  readonly bytes: Uint8Array;
}

export class FileSource implements ByteSource {
  readonly length: number;
  /** Sorted by start; looked up by binary search. */
  private readonly segments: Segment[] = [];

  private constructor(
    private readonly fd: number,
    readonly path: string,
  ) {
    this.length = fstatSync(fd).size;
  }

  static open(path: string): FileSource {
    return new FileSource(openSync(path, 'r'), path);
  }

  close(): void {
    closeSync(this.fd);
  }

  bytes(offset: number, length: number): Uint8Array {
    const segment = this.segmentAt(offset);
    if (segment !== undefined && offset + length <= segment.start + segment.bytes.length) {
      return segment.bytes.subarray(offset - segment.start, offset - segment.start + length);
    }
    // Not loaded: read a window from here (or exactly what was asked, when that is more) and keep it.
    const read = this.readSyncAt(offset, Math.min(this.length - offset, Math.max(length, window)));
    this.insert(read);
    return read.bytes.subarray(0, length);
  }

  /**
   * Reads each [start, end) into its own buffer, `inFlight` at a time. Every buffer is allocated before
   * the first read starts: V8 answers each few MiB of new ArrayBuffers with a scavenge ("external memory
   * pressure"), which takes under a millisecond on an idle core but 3 to 8 ms when it contends with four
   * reads for this machine's two. Measured in `npm run bench`: load from file went from 0.90-0.97 of
   * torch's speed to 1.12-1.33 (four runs each).
   */
  async load(spans: readonly (readonly [number, number])[], inFlight = 4): Promise<void> {
    const segments = spans.map(([start, end]) => this.segment(start, end - start));
    let next = 0;
    const worker = async () => {
      while (next < segments.length) {
        const segment = segments[next++] as Segment;
        await this.readInto(segment);
        this.insert(segment);
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, spans.length) }, worker));
  }

  /**
   * A buffer for the bytes at file offset `start`, placed so that each byte lands at the same offset within
   * its memory page as within its page of the file. The kernel copies the file's cached pages into ours
   * with `rep movsb`, which runs about 1.5x slower when the destination sits 16 to 32 bytes past the
   * source within a page (measured here: 100 MiB in 106-126 ms against 70-73 ms), and that is exactly
   * where a naive buffer puts a file read from offset 0, since glibc's large allocations start 16 bytes
   * into a fresh page. So the data starts `(start - 16) mod 4096` bytes in; the file's 64-byte alignment
   * of tensors then leaves every storage at a multiple of 16 bytes in its buffer, enough for any dtype's
   * typed array. Elsewhere (another allocator) the placement is merely arbitrary, never wrong.
   */
  private segment(start: number, length: number): Segment {
    const shift = (((start - 16) % 4096) + 4096) % 4096;
    // Uninitialised: the read overwrites every byte, so zero-filling first would touch each page twice,
    // and on one thread (calloc clears memory the allocator reuses). The bytes before the data are cleared.
    const buffer = Buffer.allocUnsafeSlow(shift + length).fill(0, 0, shift);
    return { start, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset + shift, length) };
  }

  private readSyncAt(start: number, length: number): Segment {
    const segment = this.segment(start, length);
    for (let at = 0; at < length;) {
      const n = readSync(this.fd, segment.bytes, at, length - at, start + at);
      if (n === 0) throw this.truncated(start + at);
      at += n;
    }
    return segment;
  }

  private async readInto({ start, bytes }: Segment): Promise<void> {
    for (let at = 0; at < bytes.length;) {
      const { bytesRead } = await readAt(this.fd, bytes, at, bytes.length - at, start + at);
      if (bytesRead === 0) throw this.truncated(start + at);
      at += bytesRead;
    }
  }

  private truncated(at: number): CheckpointError {
    return new CheckpointError(
      'truncated',
      `the file ended early: was it cut short while read?`,
      `${this.path}@${at}`,
    );
  }

  /** The segment with the greatest start at or before `offset`, if any. */
  private segmentAt(offset: number): Segment | undefined {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found: Segment | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const segment = this.segments[mid] as Segment;
      if (segment.start <= offset) {
        found = segment;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private insert(segment: Segment): void {
    let i = this.segments.length;
    while (i > 0 && (this.segments[i - 1] as Segment).start > segment.start) i--;
    this.segments.splice(i, 0, segment);
  }
}
