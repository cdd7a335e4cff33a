/**
 * A tensor's elements in C order, gathered from its strided view a range at a time. A few hundred bytes
 * of pickle can name 2^42 elements (one float expanded with stride 0), so nothing here gathers a whole
 * view unless asked (`materialize`, refused past `maxMaterializedBytes`); digests and writers stream
 * `byteChunks` instead, each chunk a fresh buffer of at most a few MiB. The lazy neg and conj bits
 * (torch's `_neg_view`, `conj()`) are applied to each chunk as it is gathered.
 */
import type { DTypeInfo } from './dtype.ts';
import { CheckpointError } from './errors.ts';

/** What of a strided view the gathering needs (StoredTensor has all of it). */
export interface StridedView {
  readonly dtype: DTypeInfo;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly offset: number;
  readonly numel: number;
  readonly source: Uint8Array;
  readonly neg: boolean;
  readonly conj: boolean;
}

/** Most bytes one gathered copy may take; past it a view must be streamed, not copied whole. */
export const maxMaterializedBytes = 2 ** 30;

const chunkBytes = 4 << 20;

export function materialize(view: StridedView): Uint8Array {
  const bytes = view.numel * view.dtype.itemsize;
  if (bytes > maxMaterializedBytes) {
    throw new CheckpointError(
      'limit-exceeded',
      `copying this ${view.dtype.name} view of ${view.numel} elements would take ${bytes} bytes; the limit is ${maxMaterializedBytes}`,
    );
  }
  const out = new Uint8Array(bytes);
  gather(view, 0, view.numel, out);
  applySigns(out, view);
  return out;
}

/**
 * Most bytes one view may be gathered into, even a chunk at a time: streaming 2^42 elements would take
 * days, so a view beyond this is refused before the first chunk.
 */
export const maxGatheredBytes = 2 ** 32;

/** The elements in C order, little-endian, as consecutive chunks of at most 4 MiB. */
export function* byteChunks(view: StridedView): Generator<Uint8Array> {
  const bytes = view.numel * view.dtype.itemsize;
  if (bytes > maxGatheredBytes) {
    throw new CheckpointError(
      'limit-exceeded',
      `this ${view.dtype.name} view of ${view.numel} elements would be ${bytes} bytes when read; the limit is ${maxGatheredBytes}`,
    );
  }
  const perChunk = Math.max(1, Math.floor(chunkBytes / view.dtype.itemsize));
  for (let start = 0; start < view.numel; start += perChunk) {
    const count = Math.min(perChunk, view.numel - start);
    const out = new Uint8Array(count * view.dtype.itemsize);
    gather(view, start, count, out);
    applySigns(out, view);
    yield out;
  }
}

/** Elements [start, start + count) of the view, in C order, into `out`. */
function gather(view: StridedView, start: number, count: number, out: Uint8Array): void {
  const { shape, stride, source } = view;
  const size = view.dtype.itemsize;
  const rank = shape.length;
  if (rank === 0) {
    out.set(source.subarray(view.offset * size, (view.offset + 1) * size));
    return;
  }
  // The multi-index of `start`, and the storage element where its row (innermost dimension) begins.
  const index = new Array<number>(rank);
  let rest = start;
  for (let d = rank - 1; d >= 0; d--) {
    const n = shape[d] as number;
    index[d] = rest % n;
    rest = Math.floor(rest / n);
  }
  let rowBase = view.offset;
  for (let d = 0; d < rank - 1; d++) rowBase += (index[d] as number) * (stride[d] as number);
  const rowLength = shape[rank - 1] as number;
  const step = stride[rank - 1] as number;
  let column = index[rank - 1] as number;
  let written = 0;
  while (written < count) {
    const take = Math.min(rowLength - column, count - written);
    copyRow(source, rowBase + column * step, step, take, out, written, size);
    written += take;
    column = 0;
    for (let d = rank - 2; d >= 0; d--) {
      rowBase += stride[d] as number;
      if (++(index[d] as number) < (shape[d] as number)) break;
      rowBase -= (stride[d] as number) * (shape[d] as number);
      index[d] = 0;
    }
  }
}

/** `count` elements from storage element `from`, `step` apart, to element `at` of `out`. */
function copyRow(
  source: Uint8Array,
  from: number,
  step: number,
  count: number,
  out: Uint8Array,
  at: number,
  size: number,
): void {
  if (step === 1) {
    out.set(source.subarray(from * size, (from + count) * size), at * size);
  } else if (step === 0) {
    // An expanded dimension: one element, then the filled part doubled until the row is full.
    out.set(source.subarray(from * size, (from + 1) * size), at * size);
    for (let filled = 1; filled < count;) {
      const more = Math.min(filled, count - filled);
      out.copyWithin((at + filled) * size, at * size, (at + more) * size);
      filled += more;
    }
  } else {
    for (let i = 0; i < count; i++) {
      const src = (from + i * step) * size;
      const dst = (at + i) * size;
      for (let b = 0; b < size; b++) out[dst + b] = source[src + b] as number;
    }
  }
}

/**
 * Resolves the lazy bits in place, as `t.resolve_conj().resolve_neg()` would: neg negates every part,
 * conj the imaginary part (so both together negate the real part only).
 */
function applySigns(bytes: Uint8Array, view: StridedView): void {
  if (!view.neg && !view.conj) return;
  flipSigns(bytes, view.dtype, { real: view.neg, imag: view.neg !== view.conj });
}

/** Negates real and/or imaginary parts in place: the sign bit of floats, two's complement of ints. */
function flipSigns(bytes: Uint8Array, dtype: DTypeInfo, parts: { real: boolean; imag: boolean }): void {
  const complex = dtype.name.startsWith('complex');
  const unit = complex ? dtype.itemsize / 2 : dtype.itemsize;
  // Which units flip: all, or every other one (the real or the imaginary parts of complex numbers).
  const first = complex && !parts.real ? 1 : 0;
  const step = complex && parts.real !== parts.imag ? 2 : 1;
  if (complex || /^(float|bfloat)/.test(dtype.name)) flipFloatSigns(bytes, unit, first, step);
  else negateInts(bytes, unit, first, step);
}

/** XOR of the sign bit, a word at a time (the chunks are fresh buffers, so aligned). */
function flipFloatSigns(bytes: Uint8Array, unit: number, first: number, step: number): void {
  const word = Math.min(unit, 4);
  if (bytes.byteOffset % word !== 0) {
    for (let k = first; k * unit < bytes.length; k += step) bytes[k * unit + unit - 1]! ^= 0x80;
    return;
  }
  const count = bytes.byteLength / word;
  const words =
    word === 4
      ? new Uint32Array(bytes.buffer, bytes.byteOffset, count)
      : word === 2
        ? new Uint16Array(bytes.buffer, bytes.byteOffset, count)
        : bytes;
  const mask = word === 4 ? 0x80000000 : word === 2 ? 0x8000 : 0x80;
  const perUnit = unit / word; // 2 for float64: the sign is in the high (second) word
  for (let w = first * perUnit + perUnit - 1; w < count; w += step * perUnit) words[w]! ^= mask;
}

function negateInts(bytes: Uint8Array, unit: number, first: number, step: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = first * unit; at < bytes.byteLength; at += step * unit) {
    if (unit === 8) view.setBigInt64(at, -view.getBigInt64(at, true), true);
    else if (unit === 4) view.setInt32(at, -view.getInt32(at, true), true);
    else if (unit === 2) view.setInt16(at, -view.getInt16(at, true), true);
    else view.setInt8(at, -view.getInt8(at));
  }
}

/** The neg bit only on signed numbers (conj on a real tensor changes nothing, as in torch). */
export function checkNegBit(dtype: DTypeInfo, neg: boolean): void {
  const name = dtype.name;
  if (neg && (name === 'bool' || /^(uint|q|bits)/.test(name))) {
    throw new CheckpointError('unsupported-value', `cannot negate a ${name} tensor`);
  }
}
