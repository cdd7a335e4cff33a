/**
 * Little-endian reads over the archive's bytes. Callers check bounds before reading (each with an error
 * that names the record); 64-bit fields come back as numbers only when exact (≤ 2^53 - 1), since anything
 * larger cannot describe a position in a JavaScript buffer.
 *
 * The bytes come from a `ByteSource`: an archive in memory, or a file read piece by piece (Node's
 * src/cli/file-source.ts), so that a large checkpoint never has to be one allocation.
 */
import { CheckpointError } from '../errors.ts';

export interface ByteSource {
  readonly length: number;
  /** Bytes [offset, offset + length), which the caller has checked lie inside; a view where possible. */
  bytes(offset: number, length: number): Uint8Array;
}

/** An archive held in memory: every slice is a view, nothing is copied. */
export function memorySource(bytes: Uint8Array): ByteSource {
  return { length: bytes.length, bytes: (offset, length) => bytes.subarray(offset, offset + length) };
}

export class ByteReader {
  /** Set when the whole archive is one buffer: fields are then read straight from it. */
  private readonly view: DataView | undefined;
  readonly source: ByteSource;

  constructor(input: Uint8Array | ByteSource) {
    if (input instanceof Uint8Array) {
      this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
      this.source = memorySource(input);
    } else {
      this.view = undefined;
      this.source = input;
    }
  }

  get length(): number {
    return this.source.length;
  }

  private field(offset: number, size: number): [DataView, number] {
    if (this.view !== undefined) return [this.view, offset];
    const bytes = this.source.bytes(offset, size);
    return [new DataView(bytes.buffer, bytes.byteOffset, size), 0];
  }

  u8(offset: number): number {
    const [view, at] = this.field(offset, 1);
    return view.getUint8(at);
  }

  u16(offset: number): number {
    const [view, at] = this.field(offset, 2);
    return view.getUint16(at, true);
  }

  u32(offset: number): number {
    const [view, at] = this.field(offset, 4);
    return view.getUint32(at, true);
  }

  /** A u64 field as an exact number; 'zip-malformed' when it is beyond Number.MAX_SAFE_INTEGER. */
  u64(offset: number, what: string, at: string): number {
    const [view, start] = this.field(offset, 8);
    const value = view.getBigUint64(start, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new CheckpointError('zip-malformed', `${what} ${value} is beyond any possible file size`, at);
    }
    return Number(value);
  }

  slice(offset: number, length: number): Uint8Array {
    return this.source.bytes(offset, length);
  }
}
