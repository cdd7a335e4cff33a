/**
 * The harness itself: each runner really is the torch it claims to be, and torch's save/load agrees with the
 * digest code (the manifest digest of every in-memory object equals digest.py run on the saved file), so a
 * digest bug cannot hide behind a pthlab bug.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureDigestText, fixtureDir, parseDigestLines } from './fixtures.ts';
import { runTorch, stage, torchVersions, type TorchVersion } from './harness.ts';

interface Versions {
  torch: string;
  python: string;
  numpy: string | null;
  safetensors: string | null;
}

const expected: Record<TorchVersion, { torch: RegExp; python: RegExp }> = {
  '1.13': { torch: /^1\.13\./, python: /^3\.11\./ },
  '2.6': { torch: /^2\.6\./, python: /^3\.13\./ },
};

function manifestFiles(version: TorchVersion): string[] {
  // Keys only: JSON.parse is fine for them (digest values are not read here).
  return Object.keys(JSON.parse(readFileSync(join(fixtureDir(version), 'manifest.json'), 'utf8')) as object);
}

describe.each(torchVersions)('torch %s harness', (version) => {
  const corpus = stage(version, [fixtureDir(version)]);
  const dir = corpus.pyPaths[0] as string;
  afterAll(() => corpus.cleanup());

  it('runs the torch it names', async () => {
    const v = JSON.parse(await runTorch(version, 'versions.py', [])) as Versions;
    expect(v.torch).toMatch(expected[version].torch);
    expect(v.python).toMatch(expected[version].python);
    expect(v.numpy).not.toBeNull();
    if (version === '2.6') expect(v.safetensors).not.toBeNull();
    const info = JSON.parse(readFileSync(join(fixtureDir(version), 'info.json'), 'utf8')) as {
      torch: string;
    };
    expect(info.torch).toBe(v.torch);
  });

  it('has a corpus covering the format edge cases', () => {
    const files = manifestFiles(version);
    const wanted = [
      'mlp_state_dict.pth',
      'cnn_bn_state_dict.pth',
      'optim_adam.pth',
      'general_checkpoint.pth',
    ];
    wanted.push(
      'values.pth',
      'dtypes.pth',
      'shared_storage.pth',
      'many_tensors.pth',
      'legacy.pth',
      'model_full.pth',
    );
    if (version === '2.6')
      wanted.push('dtypes_v3.pth', 'big_endian.pth', 'model.safetensors', 'conj_neg.pth');
    expect(files).toEqual(expect.arrayContaining(wanted));
  });

  it('digest.py on every saved file equals the digest of the object saved', async () => {
    const lines = parseDigestLines(await runTorch(version, 'digest.py', ['--manifest', dir]));
    expect(lines.map((l) => l.file)).toEqual(manifestFiles(version));
    const wrong = lines.filter((l) => l.digest !== fixtureDigestText(version, l.file));
    expect(wrong).toEqual([]);
  });

  // mmap needs torch >= 2.1: registered for 2.6 only (not a skip). digest.py --manifest --mmap maps only the
  // files whose manifest says mmap works (not legacy; deflated entries load silently wrong).
  if (version === '2.6') {
    it('mmap=True loads give the same digests', async () => {
      const lines = parseDigestLines(await runTorch(version, 'digest.py', ['--manifest', dir, '--mmap']));
      const wrong = lines.filter((l) => l.digest !== fixtureDigestText(version, l.file));
      expect(wrong).toEqual([]);
    });
  }

  it('digest.py FILE prints one digest line', async () => {
    const out = await runTorch(version, 'digest.py', [`${dir}/mlp_state_dict.pth`]);
    expect(out).toBe(`${fixtureDigestText(version, 'mlp_state_dict.pth')}\n`);
    const full = await runTorch(version, 'digest.py', [`${dir}/model_full.pth`, '--full']);
    expect(full.trim()).toBe(fixtureDigestText(version, 'model_full.pth'));
  });

  it('load_state_dict.py loads strictly and reports PyTorch errors', async () => {
    const ok = await runTorch(version, 'load_state_dict.py', ['mlp', `${dir}/mlp_state_dict.pth`]);
    expect(ok.trim()).toBe('OK');
    const bad = await runTorch(version, 'load_state_dict.py', ['cnn_bn', `${dir}/mlp_state_dict.pth`]);
    expect(bad).toMatch(/^ERROR RuntimeError: Error\(s\) in loading state_dict for Sequential/);
  });

  it('check_load.py reports a refusal without throwing', async () => {
    const refused = JSON.parse(await runTorch(version, 'check_load.py', [`${dir}/model_full.pth`])) as {
      ok: boolean;
      error: string;
    };
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/Unsupported (global|class)|Sequential/);
  });
});

describe('torch 2.6 reads the torch 1.13 corpus', () => {
  const corpus = stage('2.6', [fixtureDir('1.13')]);
  afterAll(() => corpus.cleanup());

  it('to the digests torch 1.13 computed', async () => {
    const lines = parseDigestLines(
      await runTorch('2.6', 'digest.py', ['--manifest', corpus.pyPaths[0] as string]),
    );
    const wrong = lines.filter((l) => l.digest !== fixtureDigestText('1.13', l.file));
    expect(wrong).toEqual([]);
  });
});
