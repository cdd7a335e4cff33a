/**
 * Real PyTorch writes, pthlab reads: every file of the fixture corpus (made at test time by
 * test/torch/py/make_fixtures.py under torch 1.13 and 2.6) opens in pthlab with exactly the digest torch
 * computed of the object it saved; and each, written again by pthlab, loads back in the same torch (2.6
 * with `weights_only=True`) with that same digest: every value is kept.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveTorchZip } from '../../src/checkpoint/index.ts';
import { digestOfFile } from '../support/digest.ts';
import { digestInTorch } from './digest-batch.ts';
import { fixtureDigestText, fixtureDir } from './fixtures.ts';
import { scratchDir, torchVersions } from './harness.ts';

interface ManifestEntry {
  readonly format: string;
}

describe.each(torchVersions)('pthlab reads what torch %s writes', (version) => {
  const dir = fixtureDir(version);
  // Only string fields are read here; the digests are compared as text.
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestEntry
  >;
  const files = Object.keys(manifest);
  const fileBytes = (file: string) => new Uint8Array(readFileSync(join(dir, file)));
  const scratch = scratchDir(version);
  let rewritten = new Map<string, string>();

  beforeAll(async () => {
    const torchFiles = files.filter((f) => manifest[f]?.format !== 'safetensors');
    rewritten = await digestInTorch(
      version,
      scratch,
      torchFiles.map((file) => ({
        name: `rewritten-${file}`,
        bytes: saveTorchZip(loadCheckpoint(fileBytes(file)).value),
        // pthlab writes only what weights_only accepts, even where torch's own file needed a full load
        // (protocol 4, whole models); torch 1.13's weights_only lacks BINFLOAT, so there we load fully.
        load: version === '2.6' ? 'weights-only' : 'full',
      })),
    );
  });
  afterAll(() => scratch.cleanup());

  it('has the whole corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(version === '2.6' ? 28 : 23);
  });

  it.each(files)('%s', async (file) => {
    expect(await digestOfFile(fileBytes(file))).toBe(fixtureDigestText(version, file));
  });

  it.each(files.filter((f) => manifest[f]?.format !== 'safetensors'))(
    '%s survives pthlab -> torch',
    (file) => {
      const expected = fixtureDigestText(version, file).replace(
        /^\{"format":"torch-legacy"/,
        '{"format":"torch-zip"',
      );
      expect(rewritten.get(`rewritten-${file}`)).toBe(expected);
    },
  );
});
