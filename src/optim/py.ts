/** Small conversions between optimizer state and the checkpoint value model. */
import { dtypeInfo } from '../checkpoint/dtype.ts';
import { PyDict, type PyValue, Storage, StoredTensor } from '../checkpoint/values.ts';
import { hostToStorage, storedToHost } from '../nn/state-dict.ts';
import type { Tensor } from '../tensor/index.ts';

export class OptimizerStateError extends Error {
  override readonly name = 'OptimizerStateError';
}

export async function tensorToPy(t: Tensor): Promise<StoredTensor> {
  return new StoredTensor(hostToStorage(await t.data()), [...t.shape]);
}

/** `step` as torch 1.12+ keeps it: a 0-dim float32 tensor. */
export function stepToPy(step: number): StoredTensor {
  return new StoredTensor(
    new Storage(dtypeInfo('float32'), new Uint8Array(Float32Array.of(step).buffer)),
    [],
  );
}

/** A Python number, or a 1-element tensor (a tensor lr, a tensor step), as a JS number. */
export function pyNumber(v: PyValue | undefined, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof StoredTensor && v.numel === 1) return storedToHost(v)[0] as number;
  throw new OptimizerStateError(`optimizer state: ${what} should be a number, got ${describe(v)}`);
}

export function pyBool(v: PyValue | undefined, what: string): boolean {
  if (typeof v === 'boolean') return v;
  throw new OptimizerStateError(`optimizer state: ${what} should be a bool, got ${describe(v)}`);
}

/** Hyperparameters torch defaults to Python ints (momentum=0, weight_decay=0) stay ints when integral. */
export function intOrFloat(v: number): PyValue {
  return Number.isInteger(v) ? BigInt(v) : v;
}

export function pyDict(v: PyValue | undefined, what: string): PyDict {
  if (v instanceof PyDict) return v;
  throw new OptimizerStateError(`optimizer state: ${what} should be a dict, got ${describe(v)}`);
}

function describe(v: PyValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  return typeof v === 'object' ? v.constructor.name : typeof v;
}
