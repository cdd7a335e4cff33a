/**
 * Reads the operands of pickle opcodes from a byte buffer. Every read checks the bytes are there first, so a
 * length field that points past the end is 'truncated' before anything is allocated for it.
 */
import { CheckpointError } from '../errors.ts';

const newline = 0x0a;

export class Cursor {
  /** Offset of the opcode being executed, for error positions. */
  opcodeStart = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    private readonly label: string,
    /** Makes the first `end` bytes available (a pickle read while it inflates); absent when all are. */
    private readonly ensure: (end: number) => void = () => undefined,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** `<label>@<offset>` of the current opcode, as every pickle error reports it. */
  get at(): string {
    return `${this.label}@${this.opcodeStart}`;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  need(count: number, what: string): void {
    if (count <= this.remaining) this.ensure(this.pos + count);
    if (count > this.remaining) {
      throw new CheckpointError(
        'truncated',
        `${what} needs ${count} bytes but ${this.remaining} remain`,
        `${this.label}@${this.pos}`,
      );
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++] as number;
  }

  u16(what: string): number {
    this.need(2, what);
    const value = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return value;
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  i32(what: string): number {
    this.need(4, what);
    const value = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return value;
  }

  /** A u64 length; anything past the buffer is truncation, so only values that fit a number matter. */
  u64Length(what: string): number {
    this.need(8, what);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (value > BigInt(this.remaining)) {
      throw new CheckpointError(
        'truncated',
        `${what} needs ${value} bytes but ${this.remaining} remain`,
        `${this.label}@${this.pos}`,
      );
    }
    return Number(value);
  }

  f64BigEndian(what: string): number {
    this.need(8, what);
    const value = this.view.getFloat64(this.pos, false);
    this.pos += 8;
    return value;
  }

  /** A view of the next `count` bytes (no copy). */
  take(count: number, what: string): Uint8Array {
    this.need(count, what);
    const out = this.bytes.subarray(this.pos, this.pos + count);
    this.pos += count;
    return out;
  }

  /** The bytes up to the next newline, which is consumed but not returned (text opcodes). */
  line(what: string): Uint8Array {
    // Text opcodes are short: make a little more available at a time until the newline is there.
    let end = -1;
    for (let ready = this.pos; end < 0 && ready < this.bytes.length;) {
      const next = Math.min(this.bytes.length, ready + 4096);
      this.ensure(next);
      end = this.bytes.indexOf(newline, ready);
      if (end >= next) end = -1; // found in bytes not yet inflated: zeros cannot be newlines, but be exact
      ready = next;
    }
    if (end < 0) {
      throw new CheckpointError(
        'truncated',
        `${what} has no terminating newline`,
        `${this.label}@${this.pos}`,
      );
    }
    const out = this.bytes.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }
}
