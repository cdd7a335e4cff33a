/**
 * Little-endian reads over the archive's bytes. Callers check bounds before reading (each with an error
 * that names the record); 64-bit fields come back as numbers only when exact (≤ 2^53 - 1), since anything
 * larger cannot describe a position in a JavaScript buffer.
 */
import { CheckpointError } from '../errors.ts';

export class ByteReader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  u16(offset: number): number {
    return this.view.getUint16(offset, true);
  }

  u32(offset: number): number {
    return this.view.getUint32(offset, true);
  }

  /** A u64 field as an exact number; 'zip-malformed' when it is beyond Number.MAX_SAFE_INTEGER. */
  u64(offset: number, what: string, at: string): number {
    const value = this.view.getBigUint64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new CheckpointError('zip-malformed', `${what} ${value} is beyond any possible file size`, at);
    }
    return Number(value);
  }

  slice(offset: number, length: number): Uint8Array {
    return this.bytes.subarray(offset, offset + length);
  }
}
