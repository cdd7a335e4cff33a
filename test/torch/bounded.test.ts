/**
 * Issue 13 beside real torch 2.6: the small versions of the hostile shapes (shared dicts, tuple keys,
 * lazy negated and expanded views) read as torch reads them, digest for digest; the files torch refuses
 * (an int64 tensor that requires grad, an int64 Parameter, a dtype-less TypedStorage, version records
 * that disagree) are refused here too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/checkpoint/index.ts';
import { digestOfFile } from '../support/digest.ts';
import { dagDictLegacy, dagDictZip, expandedZip, tupleKeyZip } from '../unit/checkpoint/hostile-files.ts';
import { dictPickle, emptyHooks, pid, tensorV2, torchZip } from '../unit/checkpoint/torch-files.ts';
import { digestInTorch } from './digest-batch.ts';
import { scratchDir } from './harness.ts';

const int64Grad = () =>
  torchZip({
    pickle: dictPickle([
      ['w', tensorV2(pid('torch.LongStorage', '0', 2), 0, [2], [1]).replace('\x89', '\x88')],
    ]),
    records: { '0': new Uint8Array(16) },
  });

const int64Parameter = () =>
  torchZip({
    pickle: dictPickle([
      [
        'w',
        `ctorch._utils\n_rebuild_parameter\n(${tensorV2(pid('torch.LongStorage', '0', 2), 0, [2], [1])}\x88${emptyHooks}tR`,
      ],
    ]),
    records: { '0': new Uint8Array(16) },
  });

const typedStorage = () =>
  torchZip({
    pickle: dictPickle([['w', tensorV2(pid('torch.storage.TypedStorage', '0', 4), 0, [4], [1])]]),
    records: { '0': new Uint8Array(16) },
  });

const versionsDisagree = () =>
  torchZip({
    pickle: dictPickle([]),
    version: '3\n',
    extra: [{ name: 'archive/.data/version', data: new TextEncoder().encode('99\n') }],
  });

/** `_rebuild_tensor_v3` over an UntypedStorage of 4 bytes as torch.bits8 (torch loads it). */
const bits8 = () =>
  torchZip({
    pickle: dictPickle([
      [
        'b',
        `ctorch._utils\n_rebuild_tensor_v3\n(${pid('torch.storage.UntypedStorage', '0', 4)}K\x00(K\x04t(K\x01t\x89${emptyHooks}ctorch\nbits8\ntR`,
      ],
    ]),
    records: { '0': new Uint8Array([1, 2, 3, 250]) },
  });

const read = {
  'bits8.pth': bits8,
  'dag-dict.pth': () => dagDictZip(4),
  'dag-legacy.pth': () => dagDictLegacy(4),
  'tuple-key.pth': () => tupleKeyZip(3),
  'expanded-neg.pth': () => expandedZip([3, 1000], true),
  'expanded.pth': () => expandedZip([1 << 12, 3], false),
};

const refused = {
  'int64-grad.pth': int64Grad,
  'int64-parameter.pth': int64Parameter,
  'typed-storage.pth': typedStorage,
  'versions-disagree.pth': versionsDisagree,
};

describe('issue 13 files beside torch 2.6', () => {
  const scratch = scratchDir('2.6');
  let torch = new Map<string, string>();

  beforeAll(async () => {
    const files = Object.entries({ ...read, ...refused }).map(([name, make]) => ({
      name,
      bytes: make(),
      load: 'weights-only' as const,
    }));
    torch = await digestInTorch('2.6', scratch, files);
  }, 120_000);
  afterAll(() => scratch.cleanup());

  it.each(Object.keys(read))('%s: the same digest as torch', async (name) => {
    const theirs = torch.get(name) ?? '';
    expect(theirs.startsWith('error'), theirs).toBe(false);
    const ours = await digestOfFile((read as Record<string, () => Uint8Array>)[name]!());
    expect(ours).toBe(theirs);
  });

  it.each(Object.keys(refused))('%s: refused by torch and by pthlab', async (name) => {
    expect(torch.get(name) ?? '').toMatch(/^error/);
    const bytes = (refused as Record<string, () => Uint8Array>)[name]!();
    await expect(digestOfFile(bytes)).rejects.toBeInstanceOf(CheckpointError);
  });
});
