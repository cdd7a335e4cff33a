/**
 * Inflates one deflated (method 8) entry into a buffer of exactly its declared size, on demand.
 *
 * The compressed bytes are fed to fflate's streaming inflater in small slices, so a hostile stream (a
 * "zip bomb" that expands far past what the central directory promised) is stopped as soon as it passes
 * the declared size: the work done is bounded by the declared size plus one slice's worth of output
 * (deflate expands at most ~1032:1), never by what the stream would eventually produce. A one-shot
 * `inflateSync` into a fixed buffer would silently drop the excess while still decoding all of it.
 *
 * `LazyInflate` inflates only as far as its reader has asked (`ensure`): the pickle VM reads data.pkl
 * while it inflates, so a 2 GiB pickle whose first opcode is bad costs one slice, not 2 GiB. The buffer is
 * allocated at its declared size up front, but the system only commits the pages that are written.
 */
import { Inflate } from 'fflate';
import { CheckpointError } from '../errors.ts';

/** Compressed bytes per push: at most ~4 MiB of output can appear before we get to check it. */
const sliceBytes = 4 * 1024;

export class LazyInflate {
  readonly bytes: Uint8Array;
  private written = 0;
  private consumed = 0;
  private finished = false;
  private readonly inflater: Inflate;

  constructor(
    private readonly compressed: Uint8Array,
    private readonly declaredSize: number,
    private readonly at: string,
  ) {
    this.bytes = new Uint8Array(declaredSize);
    this.inflater = new Inflate((chunk: Uint8Array) => {
      if (chunk.length > declaredSize - this.written) {
        throw new CheckpointError(
          'zip-bomb',
          `deflate stream inflates past its declared size of ${declaredSize} bytes`,
          at,
        );
      }
      this.bytes.set(chunk, this.written);
      this.written += chunk.length;
    });
  }

  /** Inflates until the first `end` bytes are there (or the whole entry when `end` is past it). */
  ensure(end: number): void {
    while (this.written < Math.min(end, this.declaredSize) && !this.finished) this.pushSlice();
    if (this.finished && this.written !== this.declaredSize) {
      throw new CheckpointError(
        'zip-malformed',
        `deflate stream holds ${this.written} bytes but the central directory declares ${this.declaredSize}`,
        this.at,
      );
    }
  }

  /** Inflates the whole stream, trailing slices included (anything past the declared size is a bomb). */
  finish(): Uint8Array {
    while (!this.finished) this.pushSlice();
    this.ensure(this.declaredSize);
    return this.bytes;
  }

  private pushSlice(): void {
    const start = this.consumed;
    const end = Math.min(start + sliceBytes, this.compressed.length);
    this.consumed = end;
    this.finished = end === this.compressed.length;
    try {
      this.inflater.push(this.compressed.subarray(start, end), this.finished);
    } catch (error) {
      this.finished = true;
      if (error instanceof CheckpointError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new CheckpointError('zip-malformed', `corrupt deflate stream: ${reason}`, this.at);
    }
  }
}
