/**
 * Hand-built torch files for the hostile and fuzz tests: pickles written opcode by opcode (so any field can
 * lie), torch zips assembled from named records, and legacy (pre-1.6) files laid out as FORMAT.md §7 says.
 * Pickle text is Latin-1: each character is one byte, so `'cos\nsystem\n'` is a GLOBAL's operands.
 */
import { writeZip, type ZipWriteEntry } from '../../../src/checkpoint/zip/write.ts';

/** One byte per character (every char must be < 256). */
export function latin1(text: string): Uint8Array {
  // A plain loop: the hostile files of issue 13 are megabytes of pickle text.
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new Error(`not a byte: ${text[i]}`);
    out[i] = code;
  }
  return out;
}

const u32 = (n: number) =>
  String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);

/** BINUNICODE of an ASCII string. */
export function str(text: string): string {
  return `X${u32(text.length)}${text}`;
}

/** The shortest int opcode: BININT1, BININT2 or BININT (signed 32-bit). */
export function int(n: number): string {
  if (n >= 0 && n < 0x100) return `K${String.fromCharCode(n)}`;
  if (n >= 0 && n < 0x10000) return `M${String.fromCharCode(n & 0xff, n >>> 8)}`;
  return `J${u32(n)}`;
}

/** BINFLOAT: 8 bytes, big-endian. */
export function float(x: number): string {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, x, false);
  return `G${String.fromCharCode(...bytes)}`;
}

export function tuple(items: readonly string[]): string {
  return `(${items.join('')}t`;
}

export const emptyHooks = 'ccollections\nOrderedDict\n)R';

/** A storage persistent id: the zip's 5-tuple, or the legacy 6-tuple when `view` (its sixth item) is given. */
export function pid(storageClass: string, key: string, numel: number, view?: string): string {
  const dot = storageClass.lastIndexOf('.');
  const global = `c${storageClass.slice(0, dot)}\n${storageClass.slice(dot + 1)}\n`;
  const items = [str('storage'), global, str(key), str('cpu'), int(numel)];
  if (view !== undefined) items.push(view);
  return `${tuple(items)}Q`;
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())`. */
export function tensorV2(storage: string, offset: number, size: number[], stride: number[]): string {
  const args = [storage, int(offset), tuple(size.map(int)), tuple(stride.map(int)), '\x89', emptyHooks];
  return `ctorch._utils\n_rebuild_tensor_v2\n${tuple(args)}R`;
}

/** A protocol 2 pickle of a plain dict whose values are pickle fragments. */
export function dictPickle(entries: readonly (readonly [string, string])[]): Uint8Array {
  return latin1(`\x80\x02}(${entries.map(([k, v]) => str(k) + v).join('')}u.`);
}

export function float32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

export interface TorchZipParts {
  readonly root?: string;
  /** data.pkl; null leaves it out. */
  readonly pickle: Uint8Array | null;
  /** `data/<key>` records. */
  readonly records?: Readonly<Record<string, Uint8Array>>;
  /** The version record's text (default `3\n`); null leaves it out. */
  readonly version?: string | null;
  /** The byteorder record's text (default `little`); null leaves it out. */
  readonly byteorder?: string | null;
  readonly extra?: readonly ZipWriteEntry[];
}

/** A torch zip in the order torch 2.x writes it: data.pkl, byteorder, data/*, version, then `extra`. */
export function torchZip(parts: TorchZipParts): Uint8Array {
  const root = parts.root ?? 'archive';
  const text = (s: string) => new TextEncoder().encode(s);
  const entries: ZipWriteEntry[] = [];
  if (parts.pickle !== null) entries.push({ name: `${root}/data.pkl`, data: parts.pickle });
  if (parts.byteorder !== null)
    entries.push({ name: `${root}/byteorder`, data: text(parts.byteorder ?? 'little') });
  for (const [key, data] of Object.entries(parts.records ?? {}))
    entries.push({ name: `${root}/data/${key}`, data });
  if (parts.version !== null) entries.push({ name: `${root}/version`, data: text(parts.version ?? '3\n') });
  entries.push(...(parts.extra ?? []));
  return writeZip(entries);
}

/** PROTO 2, LONG1 0x1950a86a20f9469cfc6c, STOP: the legacy magic number pickle. */
const magicPickle = '\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.';
const protocolPickle = '\x80\x02M\xe9\x03.';
const sysInfoPickle = `\x80\x02}(${str('protocol_version')}M\xe9\x03${str('little_endian')}\x88${str('type_sizes')}}(${str('short')}K\x02${str('int')}K\x04${str('long')}K\x04uu.`;

export interface LegacyStorage {
  readonly key: string;
  /** The i64 element count written before the data (may lie). */
  readonly count: bigint;
  readonly data: Uint8Array;
}

/**
 * A legacy file: magic, protocol 1001, sys_info, `object` (whose ids are 6-tuples), the key list (default
 * the storages' keys, sorted), then each storage's i64 count and bytes.
 */
export function legacyFile(
  object: string,
  storages: readonly LegacyStorage[],
  keys: readonly string[] = storages.map((s) => s.key).sort(),
): Uint8Array {
  const keyList = keys.length === 0 ? '\x80\x02].' : `\x80\x02](${keys.map(str).join('')}e.`;
  const head = latin1(magicPickle + protocolPickle + sysInfoPickle + object + keyList);
  const size = storages.reduce((sum, s) => sum + 8 + s.data.length, head.length);
  const out = new Uint8Array(size);
  out.set(head);
  const view = new DataView(out.buffer);
  let offset = head.length;
  for (const s of storages) {
    view.setBigInt64(offset, s.count, true);
    out.set(s.data, offset + 8);
    offset += 8 + s.data.length;
  }
  return out;
}

/** A legacy 6-tuple persistent id as torch < 1.6 writes it (`view_metadata` None). */
export function legacyPid(storageClass: string, key: string, numel: number): string {
  return pid(storageClass, key, numel, 'N');
}
