/** JSON tensors exchanged with the engine reference scripts (test/torch/py/engine/common.py). */
import { expect } from 'vitest';
import { type Tensor, fromHost } from '../../../src/tensor/index.ts';
import { runTorch, type TorchVersion } from '../harness.ts';

export interface JsonTensor {
  shape: number[];
  dtype: 'float32' | 'int64';
  data: number[];
}

export function toTensor(j: JsonTensor, requiresGrad = false): Tensor {
  const host = j.dtype === 'int64' ? Int32Array.from(j.data) : Float32Array.from(j.data);
  const t = fromHost(host, j.shape);
  return requiresGrad && j.dtype === 'float32' ? t.requiresGrad_() : t;
}

/** Runs test/torch/py/engine/<script> and parses its one JSON line. */
export async function torchJson<T>(version: TorchVersion, script: string, args: string[] = []): Promise<T> {
  const stdout = await runTorch(version, `engine/${script}`, args);
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as T;
}

/** |actual - expected| <= atol + rtol * |expected| elementwise, naming the first mismatches (llm.c style). */
export function expectClose(
  actual: Tensor | ArrayLike<number>,
  expected: JsonTensor,
  what: string,
  { rtol = 1e-5, atol = 1e-6 } = {},
): void {
  if ('shape' in actual && 'buffer' in actual) {
    expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  }
  const a = 'dataSync' in actual ? actual.dataSync() : actual;
  expect(a.length, `${what}: size`).toBe(expected.data.length);
  const bad: string[] = [];
  expected.data.forEach((e, i) => {
    const v = a[i] as number;
    if (!(Math.abs(v - e) <= atol + rtol * Math.abs(e))) bad.push(`[${i}] ${v} vs torch ${e}`);
  });
  expect(bad.slice(0, 5), `${what}: ${bad.length} of ${a.length} elements differ`).toEqual([]);
}
