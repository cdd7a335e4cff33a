/**
 * The order the safetensors writer lays tensors out in: by dtype, largest alignment first, then by name
 * (Rust `prepare`: `right.dtype().cmp(&left.dtype()).then(lname.cmp(rname))`). The dtype order is the
 * declaration order of its `Dtype` enum, which is "increasing alignment". Listed here as in safetensors
 * 0.8; the 0.4.5 enum that Debian's package uses is the same list without F4, F6_*, F8_E8M0, the FNUZ
 * codes and C64, so both agree on every dtype they share.
 */
const enumOrder = [
  'BOOL',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F8_E4M3FNUZ',
  'F8_E5M2FNUZ',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'C64',
  'F64',
  'I64',
  'U64',
] as const;

const rankByCode = new Map<string, number>(enumOrder.map((code, rank) => [code, rank]));

/** The dtype's position in the Rust enum; -1 for a code it does not have. */
export function dtypeRank(code: string): number {
  return rankByCode.get(code) ?? -1;
}

/** Rust's `String` order: byte-wise over UTF-8, which is code point order (not JS's UTF-16 order). */
export function compareUtf8(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const diff = (a[i] as number) - (b[i] as number);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}
