/**
 * Tensor elements as float64 numbers for statistics and averaging, and float tensors made back from them.
 * Reads every real dtype a state_dict holds (float16 and bfloat16 decoded by hand: JavaScript has no array
 * for them); complex and quantized tensors are refused by name.
 */
import { PyDict, type PyValue, Storage, StoredTensor } from '../checkpoint/index.ts';
import { AnalysisError } from './errors.ts';

/** The elements of `t` in C order as float64 (int64 beyond 2^53 rounds; booleans are 0 and 1). */
export function elementsOf(t: StoredTensor, what: string): Float64Array {
  const name = t.dtype.name;
  if (name === 'float16' || name === 'bfloat16') {
    const bytes = t.contiguousBytes();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float64Array(t.numel);
    for (let i = 0; i < out.length; i++) {
      const bits = view.getUint16(i * 2, true);
      out[i] = name === 'float16' ? halfToNumber(bits) : bfloat16ToNumber(bits);
    }
    return out;
  }
  let typed;
  try {
    typed = t.toTypedArray();
  } catch {
    throw new AnalysisError(`${what}: tensors of dtype ${name} are not supported here`);
  }
  return Float64Array.from(typed as ArrayLike<number | bigint>, Number);
}

const chunkDecoders: Partial<Record<string, (bytes: Uint8Array, out: Float64Array) => void>> = {
  float64: (b, out) => out.set(new Float64Array(b.buffer, b.byteOffset, out.length)),
  float32: (b, out) => out.set(new Float32Array(b.buffer, b.byteOffset, out.length)),
  float16: (b, out) => decodeHalves(b, out, halfToNumber),
  bfloat16: (b, out) => decodeHalves(b, out, bfloat16ToNumber),
  int64: (b, out) => copyNumbers(new BigInt64Array(b.buffer, b.byteOffset, out.length), out),
  uint64: (b, out) => copyNumbers(new BigUint64Array(b.buffer, b.byteOffset, out.length), out),
  int32: (b, out) => out.set(new Int32Array(b.buffer, b.byteOffset, out.length)),
  uint32: (b, out) => out.set(new Uint32Array(b.buffer, b.byteOffset, out.length)),
  int16: (b, out) => out.set(new Int16Array(b.buffer, b.byteOffset, out.length)),
  uint16: (b, out) => out.set(new Uint16Array(b.buffer, b.byteOffset, out.length)),
  int8: (b, out) => out.set(new Int8Array(b.buffer, b.byteOffset, out.length)),
  uint8: (b, out) => out.set(b.subarray(0, out.length)),
  bool: (b, out) => out.set(b.subarray(0, out.length)),
};

/**
 * The elements of `t` in C order as float64, a few MiB at a time (the checkpoint library's `byteChunks`: lazy
 * views gathered and their neg bits applied per chunk), so that statistics over a huge expanded view never
 * hold it whole. Same values as `elementsOf`; the same refusal for dtypes it does not read.
 */
export function* elementChunks(t: StoredTensor, what: string): Generator<Float64Array> {
  const decode = chunkDecoders[t.dtype.name];
  if (decode === undefined)
    throw new AnalysisError(`${what}: tensors of dtype ${t.dtype.name} are not supported here`);
  const size = t.dtype.itemsize;
  for (let bytes of t.byteChunks()) {
    // Typed arrays need an aligned offset; the chunks are own buffers, but a plain view's may not be.
    if (bytes.byteOffset % size !== 0) bytes = bytes.slice();
    const out = new Float64Array(bytes.byteLength / size);
    decode(bytes, out);
    yield out;
  }
}

function decodeHalves(bytes: Uint8Array, out: Float64Array, toNumber: (bits: number) => number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = toNumber(view.getUint16(i * 2, true));
}

function copyNumbers(from: BigInt64Array | BigUint64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = Number(from[i]);
}

function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function bfloat16ToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits << 16, false);
  return view.getFloat32(0, false);
}

export function isFloating(t: StoredTensor): boolean {
  return ['float64', 'float32', 'float16', 'bfloat16'].includes(t.dtype.name);
}

/** A contiguous tensor of `t`'s dtype and shape holding `values` (float32 or float64 only). */
export function floatTensorLike(t: StoredTensor, values: Float64Array, what: string): StoredTensor {
  let bytes: Uint8Array;
  if (t.dtype.name === 'float32') bytes = new Uint8Array(Float32Array.from(values).buffer);
  else if (t.dtype.name === 'float64') bytes = new Uint8Array(values.slice().buffer);
  else
    throw new AnalysisError(`${what}: averaging ${t.dtype.name} tensors is not supported (float32, float64)`);
  return new StoredTensor(new Storage(t.dtype, bytes), t.shape);
}

/** The state_dict in a file's value: a general checkpoint's model_state_dict, or the dict itself. */
export function stateDictOf(value: PyValue, file: string): { stateDict: PyDict; general: boolean } {
  if (!(value instanceof PyDict))
    throw new AnalysisError(`${file}: not a state_dict or general checkpoint (a dict)`);
  const model = value.get('model_state_dict');
  if (model instanceof PyDict) return { stateDict: model, general: true };
  const notTensors = [...value].filter(([, v]) => !(v instanceof StoredTensor)).map(([k]) => String(k));
  if (notTensors.length > 0)
    throw new AnalysisError(
      `${file}: not a state_dict (these entries are not tensors: ${notTensors.slice(0, 5).join(', ')}) and no model_state_dict`,
    );
  return { stateDict: value, general: false };
}
