/**
 * A deliberately unchecked zip builder for hostile tests: every field can be made to lie. It writes the
 * plain layout (local header with sizes, payload, no descriptor; classic end record) unless told
 * otherwise, so each test changes exactly the one thing it attacks.
 */
export interface CraftEntry {
  name: string;
  /** The bytes stored in the file (already compressed when method is 8). */
  payload: Uint8Array;
  method?: number;
  flags?: number;
  /** Declared uncompressed size; default payload length. */
  size?: number;
  /** Declared compressed size; default payload length. */
  compressedSize?: number;
  crc?: number;
  /** Name written in the local header; default the same as the central one. */
  localName?: string;
  localMethod?: number;
  localSignature?: number;
  /** Overrides the header offset recorded in the central directory. */
  centralOffset?: number;
  centralExtra?: Uint8Array;
  disk?: number;
  /** Raw name bytes (wins over `name`), in both headers unless `localName` is given. */
  rawName?: Uint8Array;
}

export interface CraftOptions {
  entryCount?: number;
  centralDirectoryOffset?: number;
  centralDirectorySize?: number;
  comment?: Uint8Array;
  endDisk?: number;
  /** Appends a zip64 end record and locator with these values (each defaults to the true one). */
  zip64?: {
    entryCount?: number;
    centralDirectoryOffset?: bigint;
    centralDirectorySize?: bigint;
    locatorOffset?: bigint;
  };
}

const encoder = new TextEncoder();

export function craftZip(entries: CraftEntry[], options: CraftOptions = {}): Uint8Array {
  const parts: number[] = [];
  const u16 = (v: number) => parts.push(v & 0xff, (v >>> 8) & 0xff);
  const u32 = (v: number) => parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  const u64 = (v: bigint) => {
    for (let i = 0n; i < 8n; i++) parts.push(Number((v >> (8n * i)) & 0xffn));
  };
  const bytes = (b: Uint8Array) => {
    for (const x of b) parts.push(x);
  };

  const offsets: number[] = [];
  for (const e of entries) {
    offsets.push(parts.length);
    const localName =
      e.localName !== undefined ? encoder.encode(e.localName) : (e.rawName ?? encoder.encode(e.name));
    u32(e.localSignature ?? 0x04034b50);
    u16(20);
    u16(e.flags ?? 0);
    u16(e.localMethod ?? e.method ?? 0);
    u16(0);
    u16(0);
    u32(e.crc ?? 0);
    u32(e.compressedSize ?? e.payload.length);
    u32(e.size ?? e.payload.length);
    u16(localName.length);
    u16(0);
    bytes(localName);
    bytes(e.payload);
  }

  const centralStart = parts.length;
  entries.forEach((e, i) => {
    const name = e.rawName ?? encoder.encode(e.name);
    const extra = e.centralExtra ?? new Uint8Array(0);
    u32(0x02014b50);
    u16(20);
    u16(20);
    u16(e.flags ?? 0);
    u16(e.method ?? 0);
    u16(0);
    u16(0);
    u32(e.crc ?? 0);
    u32(e.compressedSize ?? e.payload.length);
    u32(e.size ?? e.payload.length);
    u16(name.length);
    u16(extra.length);
    u16(0);
    u16(e.disk ?? 0);
    u16(0);
    u32(0);
    u32(e.centralOffset ?? (offsets[i] as number));
    bytes(name);
    bytes(extra);
  });
  const centralSize = parts.length - centralStart;

  if (options.zip64 !== undefined) {
    const z = options.zip64;
    const zip64At = parts.length;
    const count = BigInt(z.entryCount ?? entries.length);
    u32(0x06064b50);
    u64(44n);
    u16(45);
    u16(45);
    u32(0);
    u32(0);
    u64(count);
    u64(count);
    u64(z.centralDirectorySize ?? BigInt(centralSize));
    u64(z.centralDirectoryOffset ?? BigInt(centralStart));
    u32(0x07064b50);
    u32(0);
    u64(z.locatorOffset ?? BigInt(zip64At));
    u32(1);
  }

  const comment = options.comment ?? new Uint8Array(0);
  const count = Math.min(options.entryCount ?? entries.length, 0xffff);
  u32(0x06054b50);
  u16(options.endDisk ?? 0);
  u16(0);
  u16(count);
  u16(count);
  u32(options.centralDirectorySize ?? centralSize);
  u32(options.centralDirectoryOffset ?? centralStart);
  u16(comment.length);
  bytes(comment);
  return new Uint8Array(parts);
}

export function text(s: string): Uint8Array {
  return encoder.encode(s);
}
