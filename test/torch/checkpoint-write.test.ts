/**
 * pthlab writes, real PyTorch reads: every sample checkpoint saved by `saveTorchZip` loads in torch 2.6 with
 * `weights_only=True` (and with `mmap=True`, which needs the 64-byte alignment) and in torch 1.13, and the
 * digest torch computes of what it loaded equals pthlab's digest of what it saved, bit for bit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveTorchZip } from '../../src/checkpoint/index.ts';
import { digestOf } from '../support/digest.ts';
import { sampleCheckpoints } from '../support/sample-checkpoints.ts';
import { digestInTorch } from './digest-batch.ts';
import { scratchDir, torchVersions } from './harness.ts';

describe.each(torchVersions)('torch %s loads what pthlab writes', (version) => {
  const scratch = scratchDir(version);
  // torch 1.13 cannot know the dtypes added later; that is a property of 1.13, not a skipped case.
  const samples = sampleCheckpoints().filter((s) => version === '2.6' || !s.needsV3);
  const files = samples.map((s) => ({
    name: `${s.name}.pth`,
    bytes: saveTorchZip(s.value, { root: s.name }),
    load: version === '1.13' && s.hasFloats ? ('full' as const) : ('weights-only' as const),
  }));
  let loaded = new Map<string, string>();
  let mapped = new Map<string, string>();

  beforeAll(async () => {
    loaded = await digestInTorch(version, scratch, files);
    if (version === '2.6') mapped = await digestInTorch(version, scratch, files, { mmap: true });
  });
  afterAll(() => scratch.cleanup());

  it.each(samples.map((s) => [s.name, s] as const))('%s', async (name, sample) => {
    const expected = await digestOf('torch-zip', sample.value);
    expect(loaded.get(`${name}.pth`)).toBe(expected);
    if (version === '2.6') expect(mapped.get(`${name}.pth`)).toBe(expected);
  });
});
