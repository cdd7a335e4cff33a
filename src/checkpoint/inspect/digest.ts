/**
 * The canonical digest of a checkpoint: what `pthlab inspect --json` prints and what
 * test/torch/py/pthdigest.py prints for the same file from real PyTorch, so the two can be compared:
 *   {"format": ..., "tensors": {PATH: {"dtype", "shape", "sha256"}}, "values": {PATH: LEAF}}
 * sha256 is over the tensor's C-contiguous little-endian bytes. LEAF: None null, bool, int as an exact
 * integer literal, float as Python's repr (non-finite as the strings "NaN", "Infinity", "-Infinity"),
 * str, bytes as lowercase hex, complex as [re, im], dtype as "torch.float32", device as its name, empty
 * containers as {} or [], sets as sorted arrays.
 */
import { CheckpointError } from '../errors.ts';
import { type CheckpointFormat } from '../options.ts';
import {
  PyComplex,
  PyDevice,
  PyDict,
  PyDType,
  PyObject,
  PySet,
  PySize,
  PyTuple,
  StoredTensor,
  type PyValue,
} from '../values.ts';
import { flatten } from './flatten.ts';
import { pythonFloatRepr } from './python-repr.ts';
import { Sha256 } from './sha256.ts';

export interface TensorDigest {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly sha256: string;
}

export interface CheckpointDigest {
  readonly format: CheckpointFormat;
  readonly tensors: ReadonlyMap<string, TensorDigest>;
  /** Each leaf already encoded as JSON text (ints stay exact). */
  readonly values: ReadonlyMap<string, string>;
}

/** An incremental hash: Node's `crypto.createHash('sha256')` fits, and so does `Sha256`. */
export interface IncrementalHash {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}

export interface DigestOptions {
  /** A fresh SHA-256 for views that must be gathered (default: the portable `Sha256`). */
  readonly newHash?: () => IncrementalHash;
}

export async function digestCheckpoint(
  format: CheckpointFormat,
  value: PyValue,
  metadata?: ReadonlyMap<string, string>,
  options: DigestOptions = {},
): Promise<CheckpointDigest> {
  const leaves = flatten(value);
  const tensors = new Map<string, TensorDigest>();
  // A tensor reached by many paths (shared through the memo) is hashed once.
  const byTensor = new Map<StoredTensor, TensorDigest>();
  for (const [path, tensor] of leaves.tensors) {
    let digest = byTensor.get(tensor);
    if (digest === undefined) {
      digest = await digestTensor(tensor, options);
      byTensor.set(tensor, digest);
    }
    tensors.set(path, digest);
  }
  const values = new Map(leaves.values.map(([path, leaf]) => [path, leafJson(leaf)] as const));
  for (const [key, text] of metadata ?? []) values.set(`__metadata__.${key}`, JSON.stringify(text));
  return { format, tensors, values };
}

/**
 * A plain tensor is hashed where it lies (WebCrypto, no copy); a strided or negated view is gathered a
 * few MiB at a time into an incremental hash, never copied whole.
 */
export async function digestTensor(tensor: StoredTensor, options: DigestOptions = {}): Promise<TensorDigest> {
  let hash: Uint8Array;
  if (tensor.isPlain) {
    // WebCrypto wants a BufferSource it may read; a view of the file's buffer serves without a copy.
    const bytes = tensor.contiguousBytes() as Uint8Array<ArrayBuffer>;
    hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  } else {
    const hasher = options.newHash?.() ?? new Sha256();
    for (const chunk of tensor.byteChunks()) hasher.update(chunk);
    hash = new Uint8Array(hasher.digest());
  }
  return { dtype: tensor.dtype.name, shape: [...tensor.shape], sha256: hex(hash) };
}

/**
 * One line of compact JSON, keys in walk order (safetensors: sorted by code point, since its writers order
 * names arbitrarily), byte for byte what test/torch/py/pthdigest.py prints.
 */
export function digestJson(digest: CheckpointDigest): string {
  const sorted = <T>(entries: [string, T][]) =>
    digest.format === 'safetensors' ? entries.sort(([a], [b]) => compareCodePoints(a, b)) : entries;
  const tensors = sorted([...digest.tensors]).map(
    ([path, t]) =>
      `${JSON.stringify(path)}:{"dtype":${JSON.stringify(t.dtype)},"shape":[${t.shape.join(',')}],"sha256":"${t.sha256}"}`,
  );
  const values = sorted([...digest.values]).map(([path, text]) => `${JSON.stringify(path)}:${text}`);
  return `{"format":"${digest.format}","tensors":{${tensors.join(',')}},"values":{${values.join(',')}}}`;
}

/** Python's str order: by code point, not by UTF-16 unit as `<` compares. */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export function leafJson(value: PyValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return floatJson(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) return JSON.stringify(hex(value));
  if (value instanceof PyComplex) return `[${floatJson(value.real)},${floatJson(value.imag)}]`;
  if (value instanceof PyDType) return JSON.stringify(`torch.${value.dtype.name}`);
  if (value instanceof PyDevice) return JSON.stringify(value.name);
  if (value instanceof PyDict) return '{}'; // only empty dicts are leaves
  if (value instanceof PySize) return `[${value.items.map(leafJson).join(',')}]`;
  if (Array.isArray(value) || value instanceof PyTuple) return '[]'; // only empty ones are leaves
  if (value instanceof PySet) return `[${value.items.map(leafJson).sort().join(',')}]`;
  if (value instanceof PyObject) return JSON.stringify(`<${value.module}.${value.name} object>`);
  if (value instanceof StoredTensor) throw new CheckpointError('unsupported-value', 'a tensor is not a leaf');
  throw new CheckpointError('unsupported-value', 'unknown value kind');
}

function floatJson(x: number): string {
  if (Number.isNaN(x)) return '"NaN"';
  if (!Number.isFinite(x)) return x > 0 ? '"Infinity"' : '"-Infinity"';
  return pythonFloatRepr(x);
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
