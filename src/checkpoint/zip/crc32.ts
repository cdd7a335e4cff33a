/**
 * CRC-32 as zip and zlib define it (reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF).
 *
 * Written by hand, not imported, because it runs over every byte of every checkpoint we save and must work
 * in the browser. It uses "slicing-by-8" (Intel's technique, as in zlib's `crc32_little`): eight 256-entry
 * tables let one step consume 8 input bytes with 8 table lookups and no inner per-bit loop, several times
 * faster than the one-table byte-at-a-time loop.
 */

const polynomial = 0xedb88320;
const tableCount = 8;

/** The word loop reads bytes through a Uint32Array, which uses the host's byte order. */
const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * tables[k * 256 + b] = CRC contribution of byte b followed by k zero bytes. Table 0 is the classic one;
 * table k is table k-1 advanced through one more zero byte.
 */
const tables: Int32Array = buildTables();

function buildTables(): Int32Array {
  const t = new Int32Array(tableCount * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ polynomial : c >>> 1;
    t[b] = c;
  }
  for (let k = 1; k < tableCount; k++) {
    for (let b = 0; b < 256; b++) {
      const previous = t[(k - 1) * 256 + b] as number;
      t[k * 256 + b] = (previous >>> 8) ^ (t[previous & 0xff] as number);
    }
  }
  return t;
}

/**
 * CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it, 0 to start), so that
 * `crc32(b, crc32(a)) === crc32(a ++ b)`. Returns an unsigned 32-bit number.
 */
export function crc32(data: Uint8Array, previous = 0): number {
  // Small inputs: the call into native code costs more than it saves.
  return data.length >= 4096 && nativeCrc32 !== undefined
    ? nativeCrc32(data, previous)
    : tableCrc32(data, previous);
}

/**
 * Node ships zlib's CRC-32 (`zlib.crc32`, Node >= 20.15), which folds with carry-less multiplies and runs
 * about 3x the table method on this machine (measured 100 MiB: 38 ms vs 110-140 ms). Browsers have no such
 * function, so there the table method below runs. `getBuiltinModule` keeps `node:zlib` out of browser bundles.
 */
const nativeCrc32 = (() => {
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = node?.getBuiltinModule?.('node:zlib') as
    { crc32?: (d: Uint8Array, v: number) => number } | undefined;
  return typeof zlib?.crc32 === 'function' ? zlib.crc32 : undefined;
})();

/** The table method (slicing-by-8), exported for the tests that compare it with zlib's. */
export function tableCrc32(data: Uint8Array, previous = 0): number {
  const t = tables;
  let crc = ~previous;
  let i = 0;
  const n = data.length;

  // Byte-at-a-time until 4-byte aligned, so the bulk loop can read little-endian u32 words directly.
  while (i < n && ((data.byteOffset + i) & 3) !== 0) {
    crc = (crc >>> 8) ^ (t[(crc ^ (data[i++] as number)) & 0xff] as number);
  }

  const wordCount = (n - i) >>> 3;
  if (wordCount > 0 && littleEndianHost) {
    const words = new Uint32Array(data.buffer, data.byteOffset + i, wordCount * 2);
    for (let w = 0; w < words.length; w += 2) {
      const lo = (words[w] as number) ^ crc;
      const hi = words[w + 1] as number;
      crc =
        (t[7 * 256 + (lo & 0xff)] as number) ^
        (t[6 * 256 + ((lo >>> 8) & 0xff)] as number) ^
        (t[5 * 256 + ((lo >>> 16) & 0xff)] as number) ^
        (t[4 * 256 + (lo >>> 24)] as number) ^
        (t[3 * 256 + (hi & 0xff)] as number) ^
        (t[2 * 256 + ((hi >>> 8) & 0xff)] as number) ^
        (t[1 * 256 + ((hi >>> 16) & 0xff)] as number) ^
        (t[hi >>> 24] as number);
    }
    i += wordCount * 8;
  }

  while (i < n) {
    crc = (crc >>> 8) ^ (t[(crc ^ (data[i++] as number)) & 0xff] as number);
  }
  return ~crc >>> 0;
}
