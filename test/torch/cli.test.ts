/**
 * The `pthlab` command as a user runs it (`node bin/pthlab.mjs ...` in a subprocess), checked against real
 * PyTorch: `inspect --json` prints exactly the digest torch computed of each fixture; the table shows what
 * torch's digest lists; `convert`'s outputs load in torch 2.6 (safetensors through the `safetensors`
 * package, .pth with `weights_only=True`) holding the same tensors; bad input and bad usage end in one
 * `pthlab: ...` line and a non-zero exit, never a stack trace; a failed convert leaves OUT as it was.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtypeInfo, type DTypeName } from '../../src/checkpoint/index.ts';
import { parseExactJson, type ExactJson } from '../support/exact-json.ts';
import { latin1, str, torchZip } from '../unit/checkpoint/torch-files.ts';
import { digestInTorch } from './digest-batch.ts';
import { fixtureDigestText, fixtureDir, repoRoot } from './fixtures.ts';
import { scratchDir, torchVersions, type TorchVersion } from './harness.ts';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function pthlab(...args: string[]): Run {
  const run = spawnSync(process.execPath, [join(repoRoot, 'bin', 'pthlab.mjs'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.error !== undefined) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const fixture = (version: TorchVersion, file: string) => join(fixtureDir(version), file);

interface TensorRecord {
  readonly dtype: string;
  readonly shape: readonly bigint[];
  readonly sha256: string;
}

interface Digest {
  readonly format: string;
  readonly tensors: Record<string, TensorRecord>;
  readonly values: Record<string, ExactJson>;
}

function parseDigest(text: string): Digest {
  return parseExactJson(text) as unknown as Digest;
}

const work = mkdtempSync(join(tmpdir(), 'pthlab-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Files in `work` other than the ones a test made on purpose: leftovers of a non-atomic write. */
const strayFiles = (dir: string, expected: readonly string[]) =>
  readdirSync(dir).filter((name) => !expected.includes(name));

describe.each(torchVersions)('pthlab inspect --json prints the digest torch %s computed', (version) => {
  const files = [
    'mlp_state_dict.pth',
    'general_checkpoint.pth',
    'legacy.pth',
    'model_full.pth',
    'dtypes.pth',
  ];
  if (version === '2.6') files.push('model.safetensors', 'big_endian.pth', 'dtypes_v3.pth');

  it.each(files)('%s', (file) => {
    const run = pthlab('inspect', fixture(version, file), '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${fixtureDigestText(version, file)}\n`);
  });
});

describe('pthlab inspect prints a table of what torch saved', () => {
  const grouped = (n: bigint | number) => n.toLocaleString('en-US');
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it.each([
    ['2.6', 'general_checkpoint.pth', 'PyTorch zip checkpoint'],
    ['1.13', 'legacy.pth', 'PyTorch legacy (pre-1.6) checkpoint'],
    ['2.6', 'model_full.pth', 'PyTorch zip checkpoint'],
    ['2.6', 'model.safetensors', 'safetensors'],
  ] as const)('torch %s %s', (version, file, format) => {
    const path = fixture(version, file);
    const run = pthlab('inspect', path);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${escape(path)}: ${escape(format)}, `));
    if (file === 'model_full.pth')
      expect(run.stdout).toMatch(/whole pickled model torch\.nn\.modules\.container\.\w+/);

    // Every tensor torch listed, with its dtype, shape, element and byte counts; then the totals.
    const digest = parseDigest(fixtureDigestText(version, file));
    let elements = 0n;
    let bytes = 0n;
    const tensors = Object.entries(digest.tensors);
    expect(tensors.length).toBeGreaterThan(0);
    for (const [key, t] of tensors) {
      const numel = t.shape.reduce((a, b) => a * b, 1n);
      const nbytes = numel * BigInt(dtypeInfo(t.dtype as DTypeName).itemsize);
      elements += numel;
      bytes += nbytes;
      const row = `^${escape(key)} +${t.dtype} +\\(${t.shape.join(', ')}\\) +${grouped(numel)} +${grouped(nbytes)}$`;
      expect(run.stdout, key).toMatch(new RegExp(row, 'm'));
    }
    const totals = `^${grouped(tensors.length)} tensors, ${grouped(elements)} elements, `;
    expect(run.stdout).toMatch(new RegExp(totals, 'm'));
    expect(bytes).toBeGreaterThan(0n);
    // and every non-tensor value torch saw, by its key (safetensors metadata under its own name)
    for (const key of Object.keys(digest.values)) {
      expect(run.stdout).toMatch(new RegExp(`^${escape(key.replace(/^__metadata__\./, ''))} `, 'm'));
    }
  });
});

describe('pthlab convert: the results load in torch 2.6', () => {
  const scratch = scratchDir('2.6');
  afterAll(() => scratch.cleanup());
  const runs = new Map<string, Run>();
  let digests = new Map<string, string>();
  const outputs = {
    'general.safetensors': fixture('2.6', 'general_checkpoint.pth'),
    'from-safetensors.pth': fixture('2.6', 'model.safetensors'),
    'legacy-1.13.pth': fixture('1.13', 'legacy.pth'),
    'legacy-2.6.pt': fixture('2.6', 'legacy.pth'),
    'whole-model.pth': fixture('2.6', 'model_full.pth'),
  };

  beforeAll(async () => {
    for (const [out, input] of Object.entries(outputs))
      runs.set(out, pthlab('convert', input, join(work, out)));
    digests = await digestInTorch(
      '2.6',
      scratch,
      Object.keys(outputs).map((name) => ({
        name,
        bytes: new Uint8Array(readFileSync(join(work, name))),
        load: 'weights-only' as const,
      })),
    );
  });

  it('every convert succeeded', () => {
    for (const [out, run] of runs) {
      expect(run.status, `${out}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toMatch(/error/);
    }
  });

  it('torch -> safetensors warns about each dropped value and keeps every tensor', () => {
    const source = parseDigest(fixtureDigestText('2.6', 'general_checkpoint.pth'));
    const dropped = Object.keys(source.values);
    const warning = runs.get('general.safetensors')?.stderr ?? '';
    expect(warning.split('\n').filter(Boolean)).toHaveLength(1);
    expect(warning).toMatch(new RegExp(`^pthlab: warning: .*dropped ${dropped.length} values: `));
    for (const key of dropped) expect(warning).toContain(key);

    // digest.py reads safetensors by hand and through the `safetensors` package and requires both to agree
    const result = parseDigest(digests.get('general.safetensors') ?? 'missing');
    expect(result.format).toBe('safetensors');
    expect(result.tensors).toEqual(source.tensors);
    expect(Object.keys(result.tensors).sort()).toEqual(Object.keys(source.tensors).sort());
    expect(result.values).toEqual({ '__metadata__.format': 'pt' });
  });

  it('safetensors -> pth loads with weights_only and holds the same tensors', () => {
    const source = parseDigest(fixtureDigestText('2.6', 'model.safetensors'));
    const result = parseDigest(digests.get('from-safetensors.pth') ?? 'missing');
    expect(result.format).toBe('torch-zip');
    expect(result.tensors).toEqual(source.tensors);
    expect(Object.keys(result.tensors).sort()).toEqual(Object.keys(source.tensors).sort());
    expect(result.values).toEqual({});
    const warning = runs.get('from-safetensors.pth')?.stderr ?? '';
    expect(warning).toMatch(/^pthlab: warning: safetensors __metadata__ is not kept.*format/);
  });

  it.each([
    ['legacy-1.13.pth', '1.13'],
    ['legacy-2.6.pt', '2.6'],
  ] as const)('legacy -> %s keeps every value', (out, version) => {
    const expected = fixtureDigestText(version, 'legacy.pth').replace(
      /^\{"format":"torch-legacy"/,
      '{"format":"torch-zip"',
    );
    expect(digests.get(out)).toBe(expected);
    expect(runs.get(out)?.stderr).toBe('');
  });

  it("a whole pickled model -> its state_dict, with torch's tensors", () => {
    const source = parseDigest(fixtureDigestText('2.6', 'model_full.pth'));
    const result = parseDigest(digests.get('whole-model.pth') ?? 'missing');
    expect(result.tensors).toEqual(source.tensors);
  });
});

describe('bad input and bad usage', () => {
  const truncated = join(work, 'truncated.pth');
  const evil = join(work, 'evil.pth');

  beforeAll(() => {
    const whole = readFileSync(fixture('2.6', 'mlp_state_dict.pth'));
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const pickle = latin1(
      `\x80\x02}(${str('x')}cos\nsystem\n${str('echo pwned > /tmp/pthlab-pwned')}\x85Ru.`,
    );
    writeFileSync(evil, torchZip({ pickle }));
  });

  const expectCleanError = (run: Run, status: number, pattern: RegExp) => {
    expect(run.status).toBe(status);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toMatch(/\.ts:\d+/);
  };

  it.each([
    ['inspect', truncated],
    ['inspect', truncated, '--json'],
    ['convert', truncated, join(work, 'never.safetensors')],
  ])('a truncated file: %s', (...args) => {
    const run = pthlab(...args);
    expectCleanError(run, 1, /^pthlab: error: .+ \[(truncated|zip-malformed)\]\n$/);
    expect(run.stdout).toBe('');
    expect(existsSync(join(work, 'never.safetensors'))).toBe(false);
  });

  it('a file calling os.system', () => {
    for (const args of [
      ['inspect', evil],
      ['convert', evil, join(work, 'never.pth')],
    ]) {
      const run = pthlab(...args);
      expectCleanError(run, 1, /^pthlab: error: .*os\.system.* \[unsupported-global\]\n$/);
    }
    expect(existsSync('/tmp/pthlab-pwned')).toBe(false);
    expect(existsSync(join(work, 'never.pth'))).toBe(false);
  });

  it('a missing file', () => {
    expectCleanError(
      pthlab('inspect', join(work, 'nothing-here.pth')),
      1,
      /^pthlab: error: ENOENT.*nothing-here\.pth/,
    );
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['inspect'], /inspect takes one FILE/],
    [['inspect', 'a.pth', 'b.pth'], /inspect takes one FILE/],
    [['inspect', 'a.pth', '--bogus'], /bogus/],
    [['convert', 'a.pth'], /convert takes IN and OUT/],
    [
      ['convert', fixture('2.6', 'mlp_state_dict.pth'), join(work, 'out.xyz')],
      /cannot tell the output format/,
    ],
  ])('usage: %j exits 2', (args, message) => {
    const run = pthlab(...args);
    expectCleanError(run, 2, message);
    expect(run.stderr).toMatch(/^usage:/m);
    expect(existsSync(join(work, 'out.xyz'))).toBe(false);
  });

  it('no command prints the usage and exits 2', () => {
    const run = pthlab();
    expect(run.status).toBe(2);
    expect(run.stdout).toMatch(/^usage:\n {2}pthlab inspect FILE/);
  });
});

describe('convert writes atomically', () => {
  const dir = mkdtempSync(join(work, 'atomic-'));
  const sentinel = 'the previous file, which a failed convert must leave whole\n';

  it.each([
    ['a truncated input', 'broken.pth', 'out.pth'],
    [
      'an input with complex128, which safetensors cannot hold (fails while writing)',
      'dtypes.pth',
      'out.safetensors',
    ],
  ])('OUT is untouched when conversion fails: %s', (_, input, out) => {
    const source = join(dir, input);
    const whole = readFileSync(fixture('2.6', input === 'broken.pth' ? 'mlp_state_dict.pth' : input));
    writeFileSync(source, input === 'broken.pth' ? whole.subarray(0, whole.length - 40) : whole);
    const target = join(dir, out);
    writeFileSync(target, sentinel);
    const run = pthlab('convert', source, target);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^pthlab: error: /);
    expect(readFileSync(target, 'utf8')).toBe(sentinel);
    expect(strayFiles(dir, [input, out])).toEqual([]);
    rmSync(source);
    rmSync(target);
  });

  it('a successful convert replaces OUT and leaves nothing beside it', () => {
    const target = join(dir, 'model.safetensors');
    writeFileSync(target, sentinel);
    const run = pthlab('convert', fixture('2.6', 'mlp_state_dict.pth'), target);
    expect(run.status, run.stderr).toBe(0);
    const again = pthlab('inspect', target, '--json');
    const source = parseDigest(fixtureDigestText('2.6', 'mlp_state_dict.pth'));
    expect(parseDigest(again.stdout).tensors).toEqual(source.tensors);
    expect(strayFiles(dir, ['model.safetensors'])).toEqual([]);
  });
});
