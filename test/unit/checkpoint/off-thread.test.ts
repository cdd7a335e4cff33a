/**
 * The plain form a worker posts back (src/checkpoint/off-thread/plain.ts): through structuredClone, as
 * postMessage sends it, a checkpoint rebuilds with the same digest, shared structure stays shared (a 2^40-path
 * DAG crosses in a few objects), lazy views stay lazy, and tensor bytes are views of transferred buffers.
 * In Node, where there is no Worker, loadCheckpointOffThread loads in the calling thread with the same errors.
 */
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  PyDict,
  PyObject,
  PySize,
  PyTuple,
  Storage,
  StoredTensor,
  dtypeInfo,
  loadCheckpoint,
  saveTorchZip,
} from '../../../src/checkpoint/index.ts';
import { digestCheckpoint, digestJson } from '../../../src/checkpoint/inspect/digest.ts';
import { loadCheckpointOffThread, loadThread } from '../../../src/checkpoint/off-thread/load.ts';
import { type PlainCheckpoint, fromPlain, toPlain } from '../../../src/checkpoint/off-thread/plain.ts';
import { dagDictZip, deflatedByteorderZip, expandedZip } from './hostile-files.ts';

/** What the main thread receives: a structured clone with the storages' buffers transferred. */
function crossThreads(bytes: Uint8Array) {
  // The worker reads its own copy of the file, whose buffer it then gives away.
  const { plain, transfer } = toPlain(loadCheckpoint(bytes.slice()));
  const received = structuredClone(plain, { transfer }) as PlainCheckpoint;
  return { received, transfer, loaded: fromPlain(received) };
}

const digestOf = async (loaded: ReturnType<typeof loadCheckpoint>) =>
  digestJson(await digestCheckpoint(loaded.format, loaded.value, loaded.metadata));

describe('a checkpoint handed from a worker', () => {
  it('rebuilds every kind of value with the same digest, metadata and sharing', async () => {
    const storage = new Storage(dtypeInfo('float32'), new Uint8Array(new Float32Array([1, -2, 3, 4]).buffer));
    const weight = new StoredTensor(storage, [2, 2], undefined, 0, true, true);
    const tied = new StoredTensor(storage, [2], [1], 2);
    const sd = new PyDict('OrderedDict', [
      ['w', weight],
      ['tied', tied],
      ['size', new PySize([2n, 2n])],
      ['pair', new PyTuple([1.5, 'x', null, true])],
      ['big', 2n ** 70n],
    ]);
    sd.attributes = new Map([
      ['_metadata', new PyDict('OrderedDict', [['', new PyDict('dict', [['version', 1n]])]])],
    ]);
    const bytes = saveTorchZip(sd);
    const { loaded, transfer } = crossThreads(bytes);
    expect(await digestOf(loaded)).toBe(await digestOf(loadCheckpoint(bytes)));
    const value = loaded.value as PyDict;
    expect(value.kind).toBe('OrderedDict');
    expect(value.attributes?.get('_metadata')).toBeInstanceOf(PyDict);
    expect(value.get('size')).toBeInstanceOf(PySize);
    const [w, t] = [value.get('w'), value.get('tied')] as StoredTensor[];
    expect(w?.storage).toBe(t?.storage); // one storage, still shared
    expect(w?.isParameter && w.requiresGrad).toBe(true);
    expect(Array.from(t?.toTypedArray() as Float32Array)).toEqual([3, 4]);
    // The bytes were moved, not copied: one buffer crossed, and the worker's side is detached.
    expect(transfer).toHaveLength(1);
    expect(transfer[0]?.byteLength).toBe(0);
  });

  it('keeps a shared-structure DAG a DAG: 2^40 paths cross as 41 dicts', () => {
    const { received, loaded } = crossThreads(dagDictZip(40));
    let dicts = 0;
    const seen = new Set<object>();
    const visit = (v: unknown): void => {
      if (typeof v !== 'object' || v === null || seen.has(v)) return;
      seen.add(v);
      if ((v as { t?: string }).t === 'dict') dicts++;
      for (const child of Object.values(v)) visit(child);
    };
    visit(received.value);
    expect(dicts).toBe(41);
    const top = loaded.value as PyDict;
    expect(top.get('a')).toBe(top.get('b'));
  });

  it('keeps a 2^28-element expanded view with its neg bit lazy: four bytes cross', () => {
    const { loaded, transfer } = crossThreads(expandedZip([2 ** 14, 2 ** 14], true));
    const x = (loaded.value as PyDict).get('x') as StoredTensor;
    expect([x.numel, x.neg, x.storage.bytes.byteLength]).toEqual([2 ** 28, true, 4]);
    expect(transfer.reduce((sum, b) => sum + b.byteLength, 0)).toBe(0); // detached after the move
    expect(x.byteChunks().next().value?.subarray(0, 4)).toEqual(
      new Uint8Array(new Float32Array([-1.5]).buffer),
    );
  });

  it('rebuilds inert whole-model records', () => {
    const record = new PyObject('my.model', 'Net', [1n], new PyDict('dict', [['training', false]]));
    const { plain } = toPlain({ format: 'torch-zip', value: [record, record] });
    const [a, b] = fromPlain(structuredClone(plain)).value as PyObject[];
    expect(a).toBe(b);
    expect([a?.module, a?.name, a?.args, (a?.state as PyDict).get('training')]).toEqual([
      'my.model',
      'Net',
      [1n],
      false,
    ]);
  });

  it('loads in the calling thread where there is no Worker, with the same typed errors', async () => {
    expect(loadThread()).toBe('in-thread');
    const file = deflatedByteorderZip(2 ** 20);
    const error = await loadCheckpointOffThread(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(() => loadCheckpoint(file)).toThrow((error as Error).message);
  });
});
