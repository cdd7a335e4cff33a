/**
 * The values a checkpoint holds, as plain TypeScript objects. This is what every reader produces and every
 * writer consumes, so that a file read and written again keeps its types exactly:
 *
 * | Python                   | here                                   |
 * |--------------------------|----------------------------------------|
 * | None, bool, str          | null, boolean, string                  |
 * | int (any size)           | bigint (exact beyond 2^53)             |
 * | float                    | number                                 |
 * | bytes / bytearray        | Uint8Array                             |
 * | list                     | PyValue[]                              |
 * | tuple                    | PyTuple                                |
 * | torch.Size               | PySize (a PyTuple)                     |
 * | dict, OrderedDict        | PyDict (a Map, insertion-ordered)      |
 * | set                      | PySet                                  |
 * | complex                  | PyComplex                              |
 * | torch.dtype, torch.device| PyDType, PyDevice                      |
 * | torch.Tensor, Parameter  | StoredTensor over a Storage            |
 * | any other object         | PyObject (inert record, never called)  |
 *
 * Python ints are bigints and floats are numbers so that `lr=1.0` stays a float and `epoch=1` an int through
 * a read and a write. Dict keys are Map keys, so int keys (optimizer state) stay ints and `__proto__` is an
 * ordinary key.
 */
import type { DTypeInfo } from './dtype.ts';
import { CheckpointError } from './errors.ts';
import { byteChunks, checkNegBit, materialize } from './tensor-bytes.ts';

export type PyKey = string | bigint | number | boolean | null | PyTuple;

export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | PyComplex
  | PyDType
  | PyDevice
  | StoredTensor
  | PyObject;

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** `torch.Size`: a tuple of ints that a checkpoint names as such (and a leaf, not a container, in digests). */
export class PySize extends PyTuple {}

export type DictKind = 'dict' | 'OrderedDict' | 'Counter';

export class PyDict extends Map<PyKey, PyValue> {
  /** Attributes set by BUILD on an OrderedDict: `_metadata` of a state_dict. */
  attributes: Map<string, PyValue> | undefined;
  constructor(
    readonly kind: DictKind = 'dict',
    entries?: Iterable<readonly [PyKey, PyValue]>,
  ) {
    super(entries);
  }
}

export class PySet {
  constructor(
    readonly items: readonly PyValue[],
    readonly frozen = false,
  ) {}
}

export class PyComplex {
  constructor(
    readonly real: number,
    readonly imag: number,
  ) {}
}

export class PyDType {
  constructor(readonly dtype: DTypeInfo) {}
}

export class PyDevice {
  /** `cpu`, `cuda:0`, `mps`, ... as `str(torch.device)` prints it. */
  constructor(readonly name: string) {}
}

/**
 * An object of a class outside the allowlist, found in a whole-model pickle (`torch.save(model)`).
 * It is a record of what the pickle said (class path, constructor args, state): nothing is ever called.
 */
export class PyObject {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly args: readonly PyValue[] = [],
    public state: PyValue = null,
  ) {}
}

/** The bytes behind one or more tensors: one `data/<key>` record. Little-endian, `dtype` elements. */
export class Storage {
  constructor(
    readonly dtype: DTypeInfo,
    /** Exactly `numel * dtype.itemsize` bytes. May be a view into the file's buffer (zero-copy). */
    readonly bytes: Uint8Array,
    /** Where torch said it lived (`cpu`, `cuda:0`, ...); data on disk is always the CPU copy. */
    readonly location = 'cpu',
  ) {}

  get numel(): number {
    return this.bytes.byteLength / this.dtype.itemsize;
  }
}

/**
 * A tensor as a checkpoint stores it: a strided view of a Storage. Several tensors may share one
 * Storage (tied weights, views), and writers keep that sharing.
 */
export class StoredTensor {
  constructor(
    readonly storage: Storage,
    /** (d0, d1, ...) */
    readonly shape: readonly number[],
    /** In elements, one per dimension; zero for expanded dimensions. */
    readonly stride: readonly number[] = contiguousStrides(shape),
    /** In elements, into the storage. */
    readonly offset = 0,
    readonly requiresGrad = false,
    /** Saved as `nn.Parameter` (`_rebuild_parameter`) rather than a plain tensor. */
    readonly isParameter = false,
    /**
     * A Parameter's Python attributes (`_rebuild_parameter_with_state`'s `state`: a dict, or a tuple of
     * the dict and slots), kept so that a file read and written again still holds them.
     */
    readonly pythonState: PyValue | undefined = undefined,
    /**
     * torch's lazy sign bits (`_rebuild_tensor_v2`'s metadata `{'neg': True}`, `{'conj': True}`): the
     * storage holds the unnegated values and every read of the elements applies them, so a negated view of
     * a few bytes stays a few bytes. Writers keep them as torch does.
     */
    readonly signs: SignBits = noSigns,
  ) {
    validateView(storage, shape, stride, offset);
    checkNegBit(storage.dtype, signs.neg);
    if (requiresGrad && !/^(float|bfloat|complex)/.test(storage.dtype.name)) {
      // torch: "only Tensors of floating point and complex dtype can require gradients".
      throw new CheckpointError('bad-tensor', `a ${storage.dtype.name} tensor cannot require gradients`);
    }
  }

  get neg(): boolean {
    return this.signs.neg;
  }

  get conj(): boolean {
    return this.signs.conj;
  }

  /** The storage's bytes, for the gathering in tensor-bytes.ts. */
  get source(): Uint8Array {
    return this.storage.bytes;
  }

  /** The elements in C order, little-endian, lazy bits applied, a few MiB at a time (never copied whole). */
  byteChunks(): Generator<Uint8Array> {
    return byteChunks(this);
  }

  get dtype(): DTypeInfo {
    return this.storage.dtype;
  }

  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  get isContiguous(): boolean {
    const expected = contiguousStrides(this.shape);
    return this.shape.every((size, d) => size <= 1 || this.stride[d] === expected[d]);
  }

  /**
   * A copy of the elements in C order as the matching typed array (float32 -> Float32Array, int64 ->
   * BigInt64Array, bool -> Uint8Array, ...). dtypes JavaScript has no array for (float16, bfloat16, complex,
   * float8, quantized) throw; read their `contiguousBytes()` instead.
   */
  toTypedArray(): TypedArrayOf {
    const make = typedArrays[this.dtype.name];
    if (make === undefined) {
      throw new CheckpointError('unsupported-value', `JavaScript has no typed array for ${this.dtype.name}`);
    }
    // `new Uint8Array(view)` always copies into an own, aligned buffer (a Buffer's `slice` would share).
    return make(new Uint8Array(this.contiguousBytes()).buffer);
  }

  /** True when the storage's bytes at the offset are the elements as they are: no gathering, no signs. */
  get isPlain(): boolean {
    return this.isContiguous && !this.signs.neg && !this.signs.conj;
  }

  /**
   * The tensor's elements in C order, little-endian: a view of the storage when the tensor is plain (no
   * copy), otherwise a gathered copy, refused ('limit-exceeded') past `maxMaterializedBytes`.
   */
  contiguousBytes(): Uint8Array {
    if (this.isPlain) {
      const start = this.offset * this.dtype.itemsize;
      return this.storage.bytes.subarray(start, start + this.numel * this.dtype.itemsize);
    }
    return materialize(this);
  }
}

export interface SignBits {
  readonly neg: boolean;
  readonly conj: boolean;
}

export const noSigns: SignBits = Object.freeze({ neg: false, conj: false });

export type TypedArrayOf =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

const typedArrays: Partial<Record<string, (buffer: ArrayBuffer) => TypedArrayOf>> = {
  float64: (b) => new Float64Array(b),
  float32: (b) => new Float32Array(b),
  int64: (b) => new BigInt64Array(b),
  uint64: (b) => new BigUint64Array(b),
  int32: (b) => new Int32Array(b),
  uint32: (b) => new Uint32Array(b),
  int16: (b) => new Int16Array(b),
  uint16: (b) => new Uint16Array(b),
  int8: (b) => new Int8Array(b),
  uint8: (b) => new Uint8Array(b),
  bool: (b) => new Uint8Array(b),
};

export function contiguousStrides(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    stride[d] = step;
    step *= Math.max(shape[d] as number, 1);
  }
  return stride;
}

/** A view must lie inside its storage: every reachable element index in [0, storage.numel). */
function validateView(
  storage: Storage,
  shape: readonly number[],
  stride: readonly number[],
  offset: number,
): void {
  const bad = (why: string): never => {
    throw new CheckpointError('bad-tensor', `invalid tensor view: ${why}`);
  };
  if (shape.length !== stride.length) bad(`shape has ${shape.length} dims but stride has ${stride.length}`);
  if (!Number.isSafeInteger(offset) || offset < 0) bad(`storage offset ${offset} is not a non-negative int`);
  let numel = 1;
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d] as number;
    const step = stride[d] as number;
    if (!Number.isSafeInteger(size) || size < 0) bad(`size ${size} in dim ${d}`);
    if (!Number.isSafeInteger(step) || step < 0) bad(`stride ${step} in dim ${d}`);
    numel *= size;
    if (!Number.isSafeInteger(numel)) bad('element count overflows');
    last += (size - 1) * step;
  }
  if (numel === 0) return; // an empty tensor reaches no element
  if (!Number.isSafeInteger(last) || last >= storage.numel) {
    bad(`elements up to index ${last} needed but the storage holds ${storage.numel}`);
  }
}
