/**
 * Storages saved on a big-endian host (`byteorder` = `big`) hold each element's bytes reversed relative to
 * what every reader here expects; torch swaps them on load (torch/serialization.py `_load`, issue #101688).
 */
export function byteswapped(bytes: Uint8Array, itemsize: number): Uint8Array {
  if (itemsize === 1) return bytes;
  const out = new Uint8Array(bytes.byteLength);
  for (let i = 0; i < bytes.byteLength; i += itemsize) {
    for (let j = 0; j < itemsize; j++) out[i + j] = bytes[i + itemsize - 1 - j] as number;
  }
  return out;
}
