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
