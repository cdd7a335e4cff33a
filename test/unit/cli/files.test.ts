/**
 * Node's fast file paths for checkpoints: `writeZipFile` (CRCs computed while the pieces before them
 * are written) gives exactly `saveTorchZip`'s bytes and never a torn file; `loadCheckpointFile` (a zip
 * read entry by entry) gives the same value, or the same CheckpointError, as `loadCheckpoint` on the
 * file's bytes, here for every sample checkpoint and for seeded corruptions of one.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CheckpointError,
  type LoadedCheckpoint,
  loadCheckpoint,
  planTorchZip,
  saveTorchZip,
  writeSafetensors,
} from '../../../src/checkpoint/index.ts';
import { digestCheckpoint, digestJson } from '../../../src/checkpoint/inspect/digest.ts';
import { flatten } from '../../../src/checkpoint/inspect/flatten.ts';
import { writeZipFile } from '../../../src/cli/files.ts';
import { loadCheckpointFile } from '../../../src/cli/load-file.ts';
import { sampleCheckpoints } from '../../support/sample-checkpoints.ts';

const dir = mkdtempSync(join(tmpdir(), 'pthlab-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const digest = async (loaded: LoadedCheckpoint) =>
  digestJson(await digestCheckpoint(loaded.format, loaded.value, loaded.metadata));

/** The outcome of a load: the digest of its value, or its error's code and message. */
async function outcome(load: () => Promise<LoadedCheckpoint> | LoadedCheckpoint): Promise<string> {
  try {
    return await digest(await load());
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    return `${error.code}: ${error.message}`;
  }
}

describe('writeZipFile', () => {
  it.each(sampleCheckpoints().map((s) => [s.name, s] as const))(
    '%s: the file holds exactly saveTorchZip’s bytes',
    async (_, sample) => {
      const path = join(dir, `${sample.name}.pth`);
      await writeZipFile(path, planTorchZip(sample.value, { root: sample.name }), { durable: false });
      expect(Buffer.compare(readFileSync(path), saveTorchZip(sample.value, { root: sample.name }))).toBe(0);
    },
  );

  it('keeps the previous file whole when a save fails part-way, and leaves no temporary file', async () => {
    const [first, second] = sampleCheckpoints();
    const path = join(dir, 'kept.pth');
    await writeZipFile(path, planTorchZip(first!.value));
    const before = readFileSync(path);
    const pending = planTorchZip(second!.value);
    let entries = 0;
    const failing = {
      ...pending,
      setCrc: (i: number, crc: number) => {
        // Pieces of earlier entries are already in the temporary file when this throws.
        if (++entries === 3) throw new Error('disk gone');
        pending.setCrc(i, crc);
      },
    };
    await expect(writeZipFile(path, failing)).rejects.toThrow('disk gone');
    expect(Buffer.compare(readFileSync(path), before)).toBe(0);
    expect(readdirSync(dir).filter((name) => name.includes('kept.pth'))).toEqual(['kept.pth']);
  });
});

describe('loadCheckpointFile', () => {
  it.each(sampleCheckpoints().map((s) => [s.name, s] as const))(
    '%s: the same value as loadCheckpoint, every storage 16-byte aligned',
    async (_, sample) => {
      const bytes = saveTorchZip(sample.value);
      const path = join(dir, `${sample.name}.load.pth`);
      writeFileSync(path, bytes);
      const loaded = await loadCheckpointFile(path);
      expect(await digest(loaded)).toBe(await digest(loadCheckpoint(bytes)));
      for (const [, tensor] of flatten(loaded.value).tensors) {
        // Read entry by entry, each storage is a view placed for any dtype's typed array: a multiple of 16.
        expect(tensor.storage.bytes.byteOffset % 16).toBe(0);
      }
    },
  );

  it('reads safetensors and an empty file as loadCheckpoint does', async () => {
    const { tensors } = flatten(sampleCheckpoints()[0]!.value);
    const safetensors = writeSafetensors(tensors);
    for (const [name, bytes] of [
      ['a.safetensors', safetensors],
      ['empty.pth', new Uint8Array(0)],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      expect(await outcome(() => loadCheckpointFile(path))).toBe(await outcome(() => loadCheckpoint(bytes)));
    }
  });

  it('gives the same value or the same error as loadCheckpoint for 300 seeded corruptions', async () => {
    const sample = sampleCheckpoints().find((s) => s.name === 'general-checkpoint')!;
    const original = saveTorchZip(sample.value);
    let x = 0x5eed;
    const below = (n: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    const path = join(dir, 'corrupt.pth');
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const bytes =
        i % 3 === 0
          ? original.slice(0, below(original.length))
          : original.map((b, at) => (at % 97 === below(97) && below(8) === 0 ? b ^ (1 + below(255)) : b));
      writeFileSync(path, bytes);
      const expected = await outcome(() => loadCheckpoint(bytes));
      expect(await outcome(() => loadCheckpointFile(path)), `corruption #${i}`).toBe(expected);
      seen.add(expected.startsWith('{') ? 'value' : expected.split(':')[0]!);
    }
    // Both kinds of outcome happened: the comparison covered values and several errors.
    expect(seen.has('value')).toBe(true);
    expect(seen.size).toBeGreaterThan(3);
  });
});
