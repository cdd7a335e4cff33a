/**
 * The npm package as users get it (`npm run bench -- --only package`): builds it (`npm run build:lib`), then
 * the tarball `npm pack` would write (packed and unpacked bytes, files), what a page downloads for each entry
 * point of the browser build (sizes.ts), and the `pthlab` command's start time as an installed package runs
 * it (dist/cli/pthlab.js): `--help` and `inspect` of a 2-tensor state_dict, medians of 9 runs beside plain
 * `node -e 0`, alternating. Measured, never asserted; the size budgets are asserted by the package test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PyDict, Storage, StoredTensor, dtypeInfo, saveTorchZip } from '../../src/checkpoint/index.ts';
import { repoRoot } from '../../test/torch/fixtures.ts';
import { type EntrySize, browserSizes, gzipBudgets } from './sizes.ts';

export interface PackageReport {
  tarball: { packed: number; unpacked: number; files: number };
  entries: EntrySize[];
  /** Median milliseconds from spawn to exit. */
  start: { nodeAlone: number; help: number; inspect: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function timeRun(args: string[], cwd: string): number {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return performance.now() - t0;
}

export function packageReport(): PackageReport {
  process.stderr.write('package: building...\n');
  execFileSync('npm', ['run', 'build:lib'], { cwd: repoRoot, stdio: 'ignore' });
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }),
  ) as { size: number; unpackedSize: number; entryCount: number }[];
  const [pack] = packed;
  if (pack === undefined) throw new Error('npm pack printed nothing');

  const dir = mkdtempSync(join(tmpdir(), 'pthlab-bench-cli-'));
  try {
    const tensor = (n: number) =>
      new StoredTensor(new Storage(dtypeInfo('float32'), new Uint8Array(4 * n)), [n]);
    writeFileSync(
      join(dir, 'small.pth'),
      saveTorchZip(
        new PyDict('OrderedDict', [
          ['weight', tensor(32)],
          ['bias', tensor(16)],
        ]),
      ),
    );
    const cli = join(repoRoot, 'dist/cli/pthlab.js');
    const runs = { nodeAlone: [] as number[], help: [] as number[], inspect: [] as number[] };
    for (let i = 0; i < 9; i++) {
      runs.nodeAlone.push(timeRun(['-e', '0'], dir));
      runs.help.push(timeRun([cli, '--help'], dir));
      runs.inspect.push(timeRun([cli, 'inspect', 'small.pth'], dir));
    }
    return {
      tarball: { packed: pack.size, unpacked: pack.unpackedSize, files: pack.entryCount },
      entries: browserSizes(repoRoot),
      start: { nodeAlone: median(runs.nodeAlone), help: median(runs.help), inspect: median(runs.inspect) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function packageTable(report: PackageReport): string {
  const kb = (bytes: number) => (bytes / 1000).toFixed(1);
  const { tarball, start } = report;
  return [
    `npm package: tarball ${kb(tarball.packed)} kB packed, ${kb(tarball.unpacked)} kB unpacked, ${tarball.files} files`,
    `${'entry (browser build)'.padEnd(24)}${'files'.padStart(6)}${'min kB'.padStart(9)}${'gzip kB'.padStart(9)}${'budget'.padStart(8)}${'lazy gz'.padStart(9)}`,
    ...report.entries.map((e) => {
      const budget = gzipBudgets[e.entry];
      return `${e.entry.padEnd(24)}${String(e.files).padStart(6)}${kb(e.bytes).padStart(9)}${kb(e.gzip).padStart(9)}${(budget === undefined ? '' : kb(budget)).padStart(8)}${kb(e.lazyGzip).padStart(9)}`;
    }),
    `pthlab start (median of 9): --help ${start.help.toFixed(0)} ms, inspect ${start.inspect.toFixed(0)} ms; node -e 0 alone ${start.nodeAlone.toFixed(0)} ms`,
  ].join('\n');
}
