/**
 * Where the fixture corpora live: `.cache/fixtures/torch-<version>/`, made by test/torch/py/make_fixtures.py
 * under that torch (by global-setup.ts, before the tests run). Each holds the checkpoint files,
 * `manifest.json` ({FILE: {digest, format, root, load, mmap, notes}}; parse it with an exact JSON parser:
 * the digests hold integers beyond 2^53), `digests/FILE.json` (the digest text alone) and `info.json`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TorchVersion } from './harness.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs a TypeScript file of the repository (a documentation block) with tsx, working in `cwd`, the way a user
 * runs a script; `pthlab/...` imports resolve to this checkout's sources through package.json's
 * `pthlab-source` export condition (the plain exports point at dist/, which only `npm run build:lib` makes).
 */
export function runDocTs(file: string, cwd: string): string {
  return execFileSync(join(repoRoot, 'node_modules', '.bin', 'tsx'), [file], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '--conditions=pthlab-source' },
  });
}

export function fixtureDir(version: TorchVersion): string {
  return join(repoRoot, '.cache', 'fixtures', `torch-${version}`);
}

/** The canonical digest text of a fixture, exactly as `digest.py FILE` prints it (no newline). */
export function fixtureDigestText(version: TorchVersion, file: string): string {
  return readFileSync(join(fixtureDir(version), 'digests', `${file}.json`), 'utf8').trim();
}

/** One line of `digest.py --manifest DIR`: the file, and its digest text (verbatim) or torch's error. */
export interface DigestLine {
  readonly file: string;
  readonly digest?: string;
  readonly error?: string;
}

/** Split `digest.py --manifest` output; digest texts are cut out verbatim, never re-serialized. */
export function parseDigestLines(stdout: string): DigestLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      // JSON.parse rounds big integers inside the digest, but only `file` and `error` are read from it.
      const head = JSON.parse(line) as { file: string; error?: string };
      const prefix = `{"file":${JSON.stringify(head.file)},"digest":`;
      if (head.error !== undefined) return { file: head.file, error: head.error };
      if (!line.startsWith(prefix) || !line.endsWith('}')) throw new Error(`unexpected digest line: ${line}`);
      return { file: head.file, digest: line.slice(prefix.length, -1) };
    });
}
