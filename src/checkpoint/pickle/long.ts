/**
 * The integer encoding of LONG1/LONG4: little-endian two's complement in the fewest bytes (0 is no bytes).
 * Negative values are common (`-1` defaults, negative indices) and easy to misread as unsigned.
 * Source: CPython `pickle.encode_long`/`decode_long`.
 */

export function decodeLong(bytes: Uint8Array): bigint {
  const length = bytes.length;
  if (length === 0) return 0n;
  let hex = '';
  for (let i = length - 1; i >= 0; i--) hex += (bytes[i] as number).toString(16).padStart(2, '0');
  const unsigned = BigInt(`0x${hex}`);
  const negative = ((bytes[length - 1] as number) & 0x80) !== 0;
  return negative ? unsigned - (1n << BigInt(8 * length)) : unsigned;
}

export function encodeLong(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  const magnitude = value < 0n ? -value : value;
  const length = (magnitude.toString(2).length >> 3) + 1;
  let bits = value < 0n ? (1n << BigInt(8 * length)) + value : value;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(bits & 0xffn);
    bits >>= 8n;
  }
  // A negative value whose top byte is all sign bits needs one byte less.
  if (value < 0n && length > 1 && out[length - 1] === 0xff && ((out[length - 2] as number) & 0x80) !== 0) {
    return out.subarray(0, length - 1);
  }
  return out;
}
