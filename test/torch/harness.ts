/**
 * Runs real PyTorch from tests: torch 1.13 is Debian bookworm's `python3-torch` (`/usr/bin/python3`), torch 2.6
 * lives in a Debian trixie chroot (`$PTHLAB_TRIXIE`, default /var/lib/pthlab/trixie). Scripts are the committed
 * files of test/torch/py/. A missing torch is a thrown error naming the installer, never a skip.
 *
 * torch 2.6 runs as `unshare -m sh -c 'mount -t proc proc DIR/proc && exec chroot DIR ...'` where a private mount
 * namespace is allowed (so /proc exists: AVX kernels, no UCX/cpuinfo noise, nothing left mounted), else as plain
 * `chroot DIR ...`. The py directory is copied into the chroot once per content hash (DIR/tmp/pthlab-py-<hash>).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export type TorchVersion = '1.13' | '2.6';
export const torchVersions: readonly TorchVersion[] = ['1.13', '2.6'];

export const INSTALL_HINT = 'node scripts/ensure-env.mjs --install';
export const HOST_PYTHON = '/usr/bin/python3';
export const trixieDir = process.env['PTHLAB_TRIXIE'] ?? '/var/lib/pthlab/trixie';
/** test/torch/py on this machine. */
export const pyDir = fileURLToPath(new URL('./py', import.meta.url));

export interface RunOptions {
  /** Kill the whole process group after this long (default 300 s). */
  readonly timeoutMs?: number;
}

/** torch (or its chroot) is not installed: the message says how to install it. */
export class TorchMissingError extends Error {
  override name = 'TorchMissingError';
}

/** Python exited non-zero (or was killed); `stderr` holds its traceback, noise removed. */
export class TorchScriptError extends Error {
  override name = 'TorchScriptError';
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

// Harmless lines torch 2.6 prints without /proc: UCX on stdout, cpuinfo on stderr.
const NOISE = [
  /^\[[\d.]+\] \[[^\]]*\]\s+\S+:\d+\s+UCX\s+(ERROR|WARN)\b/,
  /^Error in cpuinfo: /,
  /^XDG_RUNTIME_DIR/,
];

function withoutNoise(text: string): string {
  return text
    .split('\n')
    .filter((line) => !NOISE.some((re) => re.test(line)))
    .join('\n');
}

/**
 * Run test/torch/py/`script` (a relative path such as `digest.py`) under the given torch; resolves to stdout
 * (noise removed). Rejects with TorchScriptError (stderr included) on a non-zero exit or timeout, and with
 * TorchMissingError when that torch is not installed. Paths in `args` must be Python-side paths (pyPath).
 */
export function runTorch(
  version: TorchVersion,
  script: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<string> {
  if (!/^[\w-]+(\/[\w-]+)*\.py$/.test(script) || !existsSync(join(pyDir, script))) {
    return Promise.reject(new Error(`runTorch: no script test/torch/py/${script}`));
  }
  let argv: string[];
  try {
    argv = version === '1.13' ? [HOST_PYTHON, join(pyDir, script), ...args] : chrootArgv(script, args);
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  return spawnCollect(version, script, argv, opts.timeoutMs ?? 300_000);
}

/** A scratch directory both sides can see: hostPath for Node, pyPath for the Python argv. Removed by cleanup(). */
export function scratchDir(version: TorchVersion): { hostPath: string; pyPath: string; cleanup(): void } {
  if (version === '1.13') {
    const hostPath = mkdtempSync(join(tmpdir(), 'pthlab-torch-'));
    return { hostPath, pyPath: hostPath, cleanup: () => rmSync(hostPath, { recursive: true, force: true }) };
  }
  requireChroot();
  const hostPath = mkdtempSync(join(trixieDir, 'tmp', 'pthlab-'));
  return {
    hostPath,
    pyPath: `/tmp/${basename(hostPath)}`,
    cleanup: () => rmSync(hostPath, { recursive: true, force: true }),
  };
}

/** Copy host files (or directories) into a fresh scratch dir; pyPaths[i] is where Python sees hostPaths[i]. */
export function stage(
  version: TorchVersion,
  hostPaths: readonly string[],
): { pyPaths: string[]; pyDir: string; cleanup(): void } {
  const scratch = scratchDir(version);
  const pyPaths = hostPaths.map((p) => {
    cpSync(p, join(scratch.hostPath, basename(p)), { recursive: true });
    return `${scratch.pyPath}/${basename(p)}`;
  });
  return { pyPaths, pyDir: scratch.pyPath, cleanup: scratch.cleanup };
}

/** sha256 over the relative names and contents of test/torch/py (recursive, or top-level `*.py` only). */
export function pyScriptsHash(topLevelOnly = false): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (name === '__pycache__') continue;
      if (statSync(full).isDirectory()) {
        if (!topLevelOnly) walk(full);
      } else if (!topLevelOnly || name.endsWith('.py')) {
        hash.update(relative(pyDir, full)).update('\0').update(readFileSync(full)).update('\0');
      }
    }
  };
  walk(pyDir);
  return hash.digest('hex');
}

// ------------------------------------------------------------------ internals

function requireChroot(): void {
  if (!existsSync(join(trixieDir, 'usr/bin/python3')) || !existsSync(join(trixieDir, 'tmp'))) {
    throw new TorchMissingError(
      `torch 2.6: no Debian trixie chroot at ${trixieDir} (set PTHLAB_TRIXIE to use another); run: ${INSTALL_HINT}`,
    );
  }
}

let stagedPyDir: string | undefined;

/** Copy test/torch/py into the chroot once per content hash; returns its path inside the chroot. */
function stagePyDir(): string {
  if (stagedPyDir !== undefined) return stagedPyDir;
  const name = `pthlab-py-${pyScriptsHash().slice(0, 16)}`;
  const dest = join(trixieDir, 'tmp', name);
  if (!existsSync(dest)) {
    // Parallel test workers: copy aside, then one atomic rename wins.
    const temp = `${dest}.${process.pid}.tmp`;
    cpSync(pyDir, temp, { recursive: true, filter: (src) => !src.includes('__pycache__') });
    try {
      renameSync(temp, dest);
    } catch {
      rmSync(temp, { recursive: true, force: true });
      if (!existsSync(dest)) throw new Error(`could not stage ${pyDir} at ${dest}`);
    }
  }
  removeStaleCopies(name);
  stagedPyDir = `/tmp/${name}`;
  return stagedPyDir;
}

/** Copies of older script versions, untouched for a day, go (a run in progress keeps its own fresh). */
function removeStaleCopies(keep: string): void {
  const tmp = join(trixieDir, 'tmp');
  for (const name of readdirSync(tmp)) {
    if (!name.startsWith('pthlab-py-') || name === keep) continue;
    const full = join(tmp, name);
    if (Date.now() - statSync(full).mtimeMs > 86_400_000) rmSync(full, { recursive: true, force: true });
  }
}

let canUnshare: boolean | undefined;

/** Whether a private mount namespace with /proc mounted in the chroot works here (root, unshare present). */
function unshareWorks(): boolean {
  canUnshare ??=
    spawnSync(
      'unshare',
      ['-m', '--propagation', 'private', 'sh', '-c', MOUNT_PROC_AND, trixieDir, '/bin/true'],
      {
        stdio: 'ignore',
        timeout: 10_000,
      },
    ).status === 0;
  return canUnshare;
}

// $0 = chroot dir, "$@" = command inside it.
const MOUNT_PROC_AND = 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"';

function chrootArgv(script: string, args: readonly string[]): string[] {
  requireChroot();
  const inner = ['/usr/bin/python3', `${stagePyDir()}/${script}`, ...args];
  if (unshareWorks()) {
    return ['unshare', '-m', '--propagation', 'private', 'sh', '-c', MOUNT_PROC_AND, trixieDir, ...inner];
  }
  if (process.getuid?.() === 0) return ['chroot', trixieDir, ...inner];
  // Not root: a user namespace may still allow chroot (no /proc then).
  return ['unshare', '-r', 'chroot', trixieDir, ...inner];
}

function pythonEnv(): NodeJS.ProcessEnv {
  // A clean environment: pyenv's PYTHONPATH/PYTHONHOME must not leak into Debian's Python.
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONHASHSEED: '0',
    PYTHONIOENCODING: 'utf-8',
    OMP_NUM_THREADS: process.env['OMP_NUM_THREADS'] ?? '2',
  };
}

function spawnCollect(
  version: TorchVersion,
  script: string,
  argv: string[],
  timeoutMs: number,
): Promise<string> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) throw new Error('empty argv');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, rest, { cwd: tmpdir(), env: pythonEnv(), detached: true, stdio: 'pipe' });
    child.stdin.end();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new TorchMissingError(`torch ${version}: cannot start ${cmd} (${e.message}); run: ${INSTALL_HINT}`),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = withoutNoise(Buffer.concat(out).toString('utf8'));
      const stderr = withoutNoise(Buffer.concat(err).toString('utf8')).trim();
      if (code === 0) {
        resolve(stdout);
      } else if (
        /No module named '(torch|numpy|safetensors)'|chroot: cannot change root|No such file or directory.*python3/.test(
          stderr,
        )
      ) {
        reject(
          new TorchMissingError(
            `torch ${version} is not installed properly (${lastLine(stderr)}); run: ${INSTALL_HINT}`,
          ),
        );
      } else {
        const why = timedOut ? `timed out after ${timeoutMs} ms` : `exited with ${code ?? signal}`;
        reject(new TorchScriptError(`torch ${version} ${script} ${why}:\n${stderr}`, stdout, stderr));
      }
    });
  });
}

function lastLine(text: string): string {
  return text.split('\n').filter(Boolean).pop() ?? '';
}
