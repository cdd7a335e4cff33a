/**
 * Training data and the batching rule. A dataset is two tensors of equal length, `x` (N, ...) and `y`
 * (N, ...), as a safetensors file holds them. The rule, shared by pthlab and the torch reference
 * (test/torch/py/train/train_reference.py), is what makes runs comparable and resumable:
 *
 *   step i (counted from the start of training, across resumes) takes the B rows at positions
 *   i*B, i*B + 1, ..., i*B + B - 1, each taken mod N (wrapping around the end of the data).
 *
 * With `shuffle`, position p maps to row perm_e[p mod N], where e = floor(p / N) is the epoch and perm_e
 * a permutation drawn from (seed, e) alone: a resumed run continues the very same order. The permutation
 * is pthlab's own (xoshiro128**, src/tensor/random.ts), not torch's RandomSampler.
 */
import { PyDict, StoredTensor, loadCheckpoint } from '../checkpoint/index.ts';
import { storedToHost } from '../nn/index.ts';
import { TrainError } from './errors.ts';
import { type Backend, type HostArray, type Tensor, Generator, fromHost } from '../tensor/index.ts';

/** The data file does not hold a usable x and y. */
export class DataError extends TrainError {
  override readonly name = 'DataError';
}

/** Host copies of the two tensors; rows are gathered into device tensors one batch at a time. */
export interface Dataset {
  readonly x: HostArray;
  readonly xShape: readonly number[];
  readonly y: HostArray;
  readonly yShape: readonly number[];
  /** Rows: x.shape[0] === y.shape[0]. */
  readonly length: number;
}

/** `x` and `y` from a safetensors (or torch) file: floats become float32, integers int64 class ids. */
export function datasetFromBytes(bytes: Uint8Array): Dataset {
  const { value } = loadCheckpoint(bytes);
  if (!(value instanceof PyDict)) throw new DataError('the data file must hold a dict of tensors x and y');
  const x = tensorEntry(value, 'x');
  const y = tensorEntry(value, 'y');
  const n = x.shape[0];
  if (n === undefined || y.shape[0] === undefined)
    throw new DataError('x and y need a first (row) dimension');
  if (n !== y.shape[0])
    throw new DataError(`x has ${n} rows but y has ${y.shape[0]}: they must have the same number`);
  if (n === 0) throw new DataError('the data has no rows');
  return { x: storedToHost(x), xShape: x.shape, y: storedToHost(y), yShape: y.shape, length: n };
}

function tensorEntry(dict: PyDict, name: string): StoredTensor {
  const t = dict.get(name);
  if (t === undefined) {
    const keys = [...dict.keys()].map(String).join(', ');
    throw new DataError(`the data file has no tensor '${name}' (it has: ${keys || 'nothing'})`);
  }
  if (!(t instanceof StoredTensor)) throw new DataError(`'${name}' in the data file is not a tensor`);
  return t;
}

/** The dataset rows step `step` trains on (the rule in the file comment). */
export function batchRows(step: number, batchSize: number, length: number, shuffle?: ShuffleOrder): number[] {
  if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`step must be a whole number >= 0`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError('batch size must be >= 1');
  const rows: number[] = [];
  for (let j = 0; j < batchSize; j++) {
    const position = step * batchSize + j;
    const index = position % length;
    rows.push(shuffle === undefined ? index : shuffle.row(Math.floor(position / length), index));
  }
  return rows;
}

/** Seeded per-epoch permutations of `length` rows; each epoch's order depends only on (seed, epoch). */
export class ShuffleOrder {
  private cached: { epoch: number; perm: Uint32Array } | undefined;
  constructor(
    readonly seed: number,
    readonly length: number,
  ) {}

  row(epoch: number, index: number): number {
    if (this.cached?.epoch !== epoch) this.cached = { epoch, perm: this.permutation(epoch) };
    return this.cached.perm[index] as number;
  }

  /** Fisher-Yates with a generator seeded from (seed, epoch). */
  permutation(epoch: number): Uint32Array {
    const gen = new Generator((Math.imul(this.seed >>> 0, 0x9e3779b1) ^ epoch) >>> 0);
    const perm = Uint32Array.from({ length: this.length }, (_, i) => i);
    for (let i = this.length - 1; i > 0; i--) {
      const j = Math.floor(gen.random() * (i + 1));
      const t = perm[i] as number;
      perm[i] = perm[j] as number;
      perm[j] = t;
    }
    return perm;
  }
}

/** The rows as device tensors: x (B, ...), y (B, ...) with y int64 for class ids. */
export function gatherBatch(data: Dataset, rows: readonly number[], backend: Backend): [Tensor, Tensor] {
  return [gather(data.x, data.xShape, rows, backend), gather(data.y, data.yShape, rows, backend)];
}

function gather(source: HostArray, shape: readonly number[], rows: readonly number[], be: Backend): Tensor {
  const rowSize = shape.slice(1).reduce((a, d) => a * d, 1);
  const out =
    source instanceof Float32Array
      ? new Float32Array(rows.length * rowSize)
      : new Int32Array(rows.length * rowSize);
  rows.forEach((r, i) => out.set(source.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize));
  return fromHost(out, [rows.length, ...shape.slice(1)], { backend: be });
}

/** Completed passes over the data after `step` steps (the checkpoint's `epoch`). */
export function epochAt(step: number, batchSize: number, length: number): number {
  return Math.floor((step * batchSize) / length);
}
