/**
 * Issue 13 through the `pthlab` command, in a subprocess as a user runs it: each hostile file ends within
 * a time and a peak-memory ceiling (generous: the machine is shared) in exit 1 with one line
 * `pthlab: error: ... [code]`, or in a correct result; and a convert stopped by SIGTERM leaves no temporary
 * file behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  commentedZip,
  dagDictZip,
  dagModuleZip,
  expandedZip,
  zipWithoutEnd,
} from '../checkpoint/hostile-files.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'pthlab-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Preloaded into the subprocess: prints its peak resident memory as it exits.
const rssReporter = join(dir, 'rss.mjs');
writeFileSync(
  rssReporter,
  "process.on('exit', () => process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\\n`));\n",
);

const ceiling = { ms: 30_000, rssKb: 1.5 * 1024 * 1024 };

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  /** stderr without the peak-memory line. */
  readonly stderr: string;
  readonly peakRssKb: number;
  readonly ms: number;
}

function pthlab(args: string[], onStart?: (stop: (signal: NodeJS.Signals) => void) => void): Promise<Run> {
  const start = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', rssReporter, join(repoRoot, 'bin', 'pthlab.mjs'), ...args],
    {
      cwd: repoRoot,
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  onStart?.((signal) => child.kill(signal));
  return new Promise((done) => {
    child.on('close', (status) => {
      clearTimeout(killer);
      const rss = /peak-rss-kb (\d+)\n/.exec(stderr);
      done({
        status,
        stdout,
        stderr: stderr.replace(/peak-rss-kb \d+\n/, ''),
        peakRssKb: Number(rss?.[1] ?? Infinity),
        ms: performance.now() - start,
      });
    });
  });
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function expectBounded(run: Run): void {
  expect(run.ms).toBeLessThan(ceiling.ms);
  expect(run.peakRssKb).toBeLessThan(ceiling.rssKb);
}

function expectRefused(run: Run, code: string): void {
  expectBounded(run);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^pthlab: error: [^\\n]* \\[${code}\\]\\n$`));
}

describe('hostile files through pthlab', () => {
  it('shared dicts (2^32 paths in 1.9 KB): inspect --json and convert refuse them', async () => {
    const path = file('dag.pth', dagDictZip(32));
    expectRefused(await pthlab(['inspect', '--json', path]), 'limit-exceeded');
    expectRefused(await pthlab(['convert', path, join(dir, 'dag.safetensors')]), 'limit-exceeded');
  });

  it('a whole pickled model holding its child twice, 32 deep', async () => {
    expectRefused(
      await pthlab(['inspect', '--json', file('modules.pth', dagModuleZip(32))]),
      'limit-exceeded',
    );
  });

  it('2^42 expanded elements', async () => {
    const path = file('huge-view.pth', expandedZip([2 ** 21, 2 ** 21], false));
    expectRefused(await pthlab(['inspect', '--json', path]), 'limit-exceeded');
  });

  it('1 MiB that starts like a zip and has no end record', async () => {
    expectRefused(await pthlab(['inspect', file('no-end.pth', zipWithoutEnd(1 << 20))]), 'truncated');
  });

  it('a valid 1 MiB checkpoint with a 64 KiB zip comment', async () => {
    const run = await pthlab(['inspect', '--json', file('comment.pth', commentedZip(1 << 20, 65535))]);
    expectBounded(run);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('"w":{"dtype":"float32","shape":[262144]');
  });

  it('a negated expanded view converts to safetensors, streamed, with the signs applied', async () => {
    const out = join(dir, 'neg.safetensors');
    const run = await pthlab(['convert', file('neg.pth', expandedZip([1 << 24], true)), out]);
    expectBounded(run);
    expect(run.status, run.stderr).toBe(0);
    const bytes = readFileSync(out);
    const headerEnd = 8 + Number(bytes.readBigUInt64LE(0));
    expect(bytes.length - headerEnd).toBe(4 << 24);
    expect([bytes.readFloatLE(headerEnd), bytes.readFloatLE(bytes.length - 4)]).toEqual([-1.5, -1.5]);
  });

  it('SIGTERM during convert removes the temporary file', async () => {
    const work = mkdtempSync(join(dir, 'signal-'));
    const input = file('big-view.pth', expandedZip([1 << 28], false));
    const out = join(work, 'big.safetensors');
    const run = await pthlab(['convert', input, out], (stop) => {
      // Stop it as soon as its temporary file is there (a 1 GiB file takes seconds to write).
      const poll = setInterval(() => {
        if (readdirSync(work).some((name) => name.endsWith('.tmp'))) {
          clearInterval(poll);
          stop('SIGTERM');
        }
      }, 10);
    });
    expect(run.status).toBe(143);
    expect(readdirSync(work)).toEqual([]);
    expect(existsSync(out) && statSync(out).size).toBeFalsy();
  });
});
