import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/gpu/buffer-pool.ts';
import { grid1d, StepEncoder } from '../../src/gpu/dispatch.ts';
import { encodePack, packTwin } from '../../src/gpu/kernels/pack.ts';
import { philox4x32 } from '../../src/kernels/philox.ts';
import { expectClose, randomFloats } from './compare.ts';
import { gpuTest } from './harness.ts';
import { output, readFloat32, runStep, upload } from './run.ts';

describe('buffer pool, pipeline cache, dispatch', () => {
  it('buckets sizes to powers of two from 256 bytes', () => {
    expect([1, 256, 257, 1000, 4096].map(BufferPool.bucketSize)).toEqual([256, 256, 512, 1024, 4096]);
  });

  it('splits large 1D grids under the per-dimension limit', () => {
    expect(grid1d(100, 64)).toEqual([2, 1]);
    const [x, y] = grid1d(65536 * 256 * 3, 256);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y * 256).toBeGreaterThanOrEqual(65536 * 256 * 3);
  });

  gpuTest('reuses released buffers and cached pipelines', async ({ runtime }) => {
    const a = runtime.buffers.acquire(300);
    runtime.buffers.release(a);
    expect(runtime.buffers.acquire(500)).toBe(a);
    expect(() => {
      runtime.buffers.release(a);
      runtime.buffers.release(a);
    }).toThrow(/twice/);
    const p1 = runtime.pipeline('unary', 'forward', { OP: 1, WG: 64 });
    const p2 = runtime.pipeline('unary', 'forward', { WG: 64, OP: 1 });
    const p3 = runtime.pipeline('unary', 'forward', { OP: 2, WG: 64 });
    expect(p2).toBe(p1);
    expect(p3).not.toBe(p1);
  });

  gpuTest('one step encodes many dispatches into one submit', async ({ runtime }) => {
    const step = new StepEncoder(runtime);
    const x = upload(runtime, randomFloats(64, 1));
    for (let i = 0; i < 5; i++) {
      encodePack(runtime, step, {
        src: x,
        dst: output(runtime, 64),
        batch: 1,
        rows: 8,
        cols: 8,
        rowsPadded: 8,
        colsPadded: 8,
        srcBatch: 0,
        srcRow: 8,
        srcCol: 1,
      });
    }
    expect(step.dispatchCount).toBe(5);
    step.submit();
    expect(() => step.submit()).toThrow(/already submitted/);
  });
});

describe('pack kernel vs twin', () => {
  gpuTest('transpose + zero padding, batched', async ({ runtime, device }) => {
    const src = randomFloats(2 * 7 * 5, 3);
    const shape = {
      batch: 2,
      rows: 5,
      cols: 7,
      rowsPadded: 8,
      colsPadded: 9,
      srcBatch: 35,
      srcRow: 1,
      srcCol: 5,
    };
    const ref = packTwin(src, shape);
    const dst = output(runtime, ref.length);
    await runStep(runtime, (step) => encodePack(runtime, step, { src: upload(runtime, src), dst, ...shape }));
    expectClose(await readFloat32(device, dst, ref.length), ref, { atol: 0, rtol: 0 });
  });
});

describe('Philox4x32-10 known answers (Random123 kat_vectors)', () => {
  it('matches the published vectors', () => {
    expect([...philox4x32([0, 0, 0, 0], [0, 0])]).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    expect([
      ...philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]),
    ]).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    expect([
      ...philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]),
    ]).toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });
});

describe('shader loader under plain Node (tsx)', () => {
  it('reads shaders from disk where import.meta.glob does not exist', () => {
    const fixture = new URL('fixtures/load-shader.ts', import.meta.url).pathname;
    const out = execFileSync('npx', ['tsx', fixture], {
      encoding: 'utf8',
      cwd: new URL('../..', import.meta.url),
    });
    expect(out.trim()).toBe('fs true');
  }, 60_000);
});
