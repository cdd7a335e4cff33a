import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
// The table method is what browsers run; Node dispatches large inputs to zlib's own.
import { crc32 as dispatchedCrc32, tableCrc32 as crc32 } from '../../../src/checkpoint/zip/crc32.ts';

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('crc32', () => {
  it('equals zlib on every length 0..300 and at every alignment', () => {
    const data = randomBytes(400, 7);
    for (let start = 0; start < 8; start++) {
      for (let length = 0; length <= 300; length++) {
        const slice = data.subarray(start, start + length);
        expect(crc32(slice), `start ${start} length ${length}`).toBe(zlibCrc32(slice));
      }
    }
  });

  it('equals zlib on 5 MiB of random data', () => {
    const data = randomBytes(5 * 1024 * 1024 + 3, 12345);
    expect(crc32(data)).toBe(zlibCrc32(data));
    expect(crc32(data.subarray(1))).toBe(zlibCrc32(data.subarray(1)));
  });

  it('continues from a previous CRC as zlib does', () => {
    const data = randomBytes(10_000, 99);
    for (const cut of [0, 1, 5, 4096, 9_999, 10_000]) {
      const continued = crc32(data.subarray(cut), crc32(data.subarray(0, cut)));
      expect(continued).toBe(zlibCrc32(data));
      expect(crc32(data.subarray(cut), 0x12345678)).toBe(zlibCrc32(data.subarray(cut), 0x12345678));
    }
  });

  it('returns an unsigned 32-bit value', () => {
    const values = [0, 1, 2, 3].map((seed) => crc32(randomBytes(64, seed + 1)));
    for (const value of values) {
      expect(Number.isInteger(value) && value >= 0 && value <= 0xffffffff).toBe(true);
    }
    expect(values.some((v) => v >= 0x80000000)).toBe(true);
  });
});

describe('crc32 as dispatched in Node', () => {
  it('agrees with the table method on small and large inputs, continued or not', () => {
    for (const length of [0, 100, 4095, 4096, 1 << 20]) {
      const data = randomBytes(length, length + 7);
      expect(dispatchedCrc32(data)).toBe(crc32(data));
      expect(dispatchedCrc32(data, 0xdeadbeef)).toBe(crc32(data, 0xdeadbeef));
    }
  });
});
