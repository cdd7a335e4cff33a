import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../../src/checkpoint/index.ts';
import { cpu } from '../../../src/tensor/index.ts';
import {
  DataError,
  ShuffleOrder,
  batchRows,
  datasetFromBytes,
  epochAt,
  gatherBatch,
} from '../../../src/train/index.ts';
import { dataBytes, stored } from './fixtures.ts';

describe('the batching rule', () => {
  it('step i takes rows (i*B + j) mod N in order, wrapping mid-batch', () => {
    expect(batchRows(0, 4, 10)).toEqual([0, 1, 2, 3]);
    expect(batchRows(1, 4, 10)).toEqual([4, 5, 6, 7]);
    expect(batchRows(2, 4, 10)).toEqual([8, 9, 0, 1]);
    expect(batchRows(3, 4, 10)).toEqual([2, 3, 4, 5]);
    expect(batchRows(7, 3, 5)).toEqual([1, 2, 3]); // positions 21, 22, 23
  });

  it('a batch larger than the data repeats rows', () => {
    expect(batchRows(1, 7, 3)).toEqual([1, 2, 0, 1, 2, 0, 1]);
  });

  it('depends only on the global step, so a resumed run continues the sequence', () => {
    const straight = Array.from({ length: 9 }, (_, i) => batchRows(i, 5, 13));
    const resumed = Array.from({ length: 4 }, (_, i) => batchRows(5 + i, 5, 13));
    expect(resumed).toEqual(straight.slice(5));
  });

  it('rejects a negative step and an empty batch', () => {
    expect(() => batchRows(-1, 4, 10)).toThrow(RangeError);
    expect(() => batchRows(0, 0, 10)).toThrow(/batch size/);
  });

  it('counts completed epochs', () => {
    expect([0, 2, 3, 5].map((s) => epochAt(s, 4, 10))).toEqual([0, 0, 1, 2]);
  });
});

describe('--shuffle', () => {
  it('draws a permutation per epoch from (seed, epoch) alone', () => {
    const order = new ShuffleOrder(5, 10);
    const e0 = [...order.permutation(0)];
    const e1 = [...order.permutation(1)];
    expect([...e0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e1).not.toEqual(e0);
    expect([...new ShuffleOrder(5, 10).permutation(1)]).toEqual(e1);
    expect([...new ShuffleOrder(6, 10).permutation(0)]).not.toEqual(e0);
  });

  it('maps positions through the epoch permutation, so every row is seen once per epoch', () => {
    const order = new ShuffleOrder(1, 10);
    const epoch0 = [0, 1].flatMap((s) => batchRows(s, 5, 10, order));
    expect(epoch0).toEqual([...order.permutation(0)]);
    expect(batchRows(2, 5, 10, new ShuffleOrder(1, 10))).toEqual([...order.permutation(1)].slice(0, 5));
  });
});

describe('datasets from safetensors', () => {
  it('reads x and y and gathers batches as tensors', () => {
    const data = datasetFromBytes(dataBytes(6, 2));
    expect(data.length).toBe(6);
    const [x, y] = gatherBatch(data, [5, 0], cpu);
    expect(x.shape).toEqual([2, 2]);
    expect([...x.dataSync()]).toEqual([...data.x.subarray(10, 12), ...data.x.subarray(0, 2)]);
    expect(y.dtype).toBe('int64');
    expect([...y.dataSync()]).toEqual([2, 0]);
  });

  it('names a missing tensor and the ones present', () => {
    const bytes = writeSafetensors(new Map([['x', stored(new Float32Array(4), [2, 2])]]));
    expect(() => datasetFromBytes(bytes)).toThrow(/no tensor 'y' \(it has: x\)/);
  });

  it('refuses x and y of different lengths', () => {
    const bytes = writeSafetensors(
      new Map([
        ['x', stored(new Float32Array(4), [2, 2])],
        ['y', stored(new BigInt64Array(3), [3])],
      ]),
    );
    expect(() => datasetFromBytes(bytes)).toThrow(DataError);
    expect(() => datasetFromBytes(bytes)).toThrow(/x has 2 rows but y has 3/);
  });
});
