/**
 * vitest globalSetup of the 'torch' project: makes the fixture corpus of each torch version once, into
 * `.cache/fixtures/torch-<version>/`, and reuses it while the scripts of test/torch/py and the installed torch
 * are unchanged (`.stamp`). A missing torch fails the run loudly (TorchMissingError names the installer).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fixtureDir } from './fixtures.ts';
import {
  pyScriptsHash,
  runTorch,
  scratchDir,
  torchVersions,
  trixieDir,
  type TorchVersion,
} from './harness.ts';

function torchStamp(version: TorchVersion): string {
  const root = version === '1.13' ? '/' : trixieDir;
  const versionFile = join(root, 'usr/lib/python3/dist-packages/torch/version.py');
  const mtime = existsSync(versionFile) ? statSync(versionFile).mtimeMs : 'missing';
  return `${pyScriptsHash(true)} ${version} ${versionFile}@${mtime}\n`;
}

async function ensureFixtures(version: TorchVersion): Promise<void> {
  const dir = fixtureDir(version);
  const stampFile = join(dir, '.stamp');
  const stamp = torchStamp(version);
  if (
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    existsSync(join(dir, 'manifest.json'))
  ) {
    return;
  }
  const started = Date.now();
  const scratch = scratchDir(version);
  try {
    const out = `${scratch.pyPath}/fixtures`;
    await runTorch(version, 'make_fixtures.py', [out], { timeoutMs: 600_000 });
    mkdirSync(dirname(dir), { recursive: true });
    const temp = `${dir}.${process.pid}.tmp`;
    rmSync(temp, { recursive: true, force: true });
    cpSync(join(scratch.hostPath, 'fixtures'), temp, { recursive: true });
    writeFileSync(join(temp, '.stamp'), stamp);
    rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } finally {
    scratch.cleanup();
  }
  console.log(`torch ${version}: fixtures made in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${dir}`);
}

export default async function setup(): Promise<void> {
  await Promise.all(torchVersions.map(ensureFixtures));
}
