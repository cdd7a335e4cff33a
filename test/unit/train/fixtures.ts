/** Small in-memory datasets and files for the train unit tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage, StoredTensor, dtypeInfo, writeSafetensors } from '../../../src/checkpoint/index.ts';

export function stored(data: Float32Array | BigInt64Array, shape: number[]): StoredTensor {
  const dtype = dtypeInfo(data instanceof Float32Array ? 'float32' : 'int64');
  return new StoredTensor(new Storage(dtype, new Uint8Array(data.buffer)), shape);
}

/** safetensors bytes holding x (rows, features) and y: class ids, or floats (rows, outputs). */
export function dataBytes(rows: number, features: number, y: 'classes' | number = 'classes'): Uint8Array {
  const x = Float32Array.from({ length: rows * features }, (_, i) => Math.sin(i * 0.37));
  const target =
    y === 'classes'
      ? stored(
          BigInt64Array.from({ length: rows }, (_, i) => BigInt(i % 3)),
          [rows],
        )
      : stored(
          Float32Array.from({ length: rows * y }, (_, i) => Math.cos(i)),
          [rows, y],
        );
  return writeSafetensors(
    new Map([
      ['x', stored(x, [rows, features])],
      ['y', target],
    ]),
  );
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pthlab-train-'));
}

export function writeJson(path: string, value: unknown): string {
  writeFileSync(path, JSON.stringify(value));
  return path;
}
