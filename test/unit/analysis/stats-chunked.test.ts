/**
 * Per-tensor statistics stream the elements a chunk at a time (issue 13): `pthlab inspect --stats` on a
 * lazy expanded view larger than any copy the library makes gives its statistics instead of 'limit-exceeded',
 * and on strided, negated and half-precision views the chunked values equal the whole-tensor ones.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { elementsOf } from '../../../src/analysis/elements.ts';
import { tensorStats } from '../../../src/analysis/stats.ts';
import {
  CheckpointError,
  type PyDict,
  Storage,
  StoredTensor,
  dtypeInfo,
  loadCheckpoint,
} from '../../../src/checkpoint/index.ts';
import { maxMaterializedBytes } from '../../../src/checkpoint/tensor-bytes.ts';
import { inspectCommand } from '../../../src/cli/inspect.ts';
import { expandedZip } from '../checkpoint/hostile-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'pthlab-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('statistics over element chunks', () => {
  it('streams a 2^28-element expanded neg view that cannot be copied whole', async () => {
    // float32 x 2^28 is exactly the copy limit; one more row of 2^14 puts it past.
    const shape = [2 ** 14 + 1, 2 ** 14];
    const bytes = expandedZip(shape, true);
    const x = (loadCheckpoint(bytes).value as PyDict).get('x') as StoredTensor;
    expect(x.numel * 4).toBeGreaterThan(maxMaterializedBytes);
    expect(() => x.contiguousBytes()).toThrow(CheckpointError);
    const n = (2 ** 14 + 1) * 2 ** 14;
    const file = join(dir, 'expanded.pth');
    writeFileSync(file, bytes);
    const json = JSON.parse(await inspectCommand(file, { json: true, stats: true })) as Record<
      string,
      object
    >;
    expect(json['x']).toEqual({
      numel: n,
      mean: -1.5,
      std: 0,
      min: -1.5,
      max: -1.5,
      norm: expect.closeTo(1.5 * Math.sqrt(n), 3) as number,
      zeroFraction: 0,
      nanCount: 0,
      infCount: 0,
    });
  }, 120_000);

  it('equals the whole-tensor values on strided, negated and half-precision views', () => {
    const values = Float32Array.from({ length: 24 }, (_, i) => (i % 5 === 0 ? 0 : (i - 11) / 3));
    values[7] = NaN;
    values[9] = Infinity;
    const f32 = new Storage(dtypeInfo('float32'), new Uint8Array(values.buffer));
    const half = new Storage(
      dtypeInfo('float16'),
      new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x0000, 0x3555]).buffer),
    );
    const cases = [
      new StoredTensor(f32, [4, 6]),
      new StoredTensor(f32, [6, 4], [1, 6], 0), // transposed
      new StoredTensor(f32, [3, 2], [6, 2], 1, false, false, undefined, { neg: true, conj: false }),
      new StoredTensor(half, [2, 2]),
    ];
    for (const t of cases) {
      const whole = elementsOf(t, 't');
      const finite = whole.filter(Number.isFinite);
      const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
      const stats = tensorStats(t, 't');
      expect(stats.numel).toBe(whole.length);
      expect(stats.mean).toBeCloseTo(mean, 12);
      expect(stats.min).toBe(Math.min(...finite));
      expect(stats.max).toBe(Math.max(...finite));
      expect(stats.nanCount).toBe(whole.filter(Number.isNaN).length);
      const variance = finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (finite.length - 1);
      expect(stats.std).toBeCloseTo(Math.sqrt(variance), 12);
    }
  });
});
