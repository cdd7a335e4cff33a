/**
 * What the tests need, checked without changing anything: Chromium with its SwiftShader Vulkan driver, the
 * Vulkan loader, torch 1.13 on /usr/bin/python3 and torch 2.6 in a Debian trixie chroot. Plain Node ESM, no
 * dependencies; scripts/ensure-env.mjs installs what these checks find missing.
 *
 * The torch imports take ~2.5 s; once both pass, a stamp (.cache/ensure-env.json, or $PTHLAB_ENV_STAMP) keyed
 * on the dpkg databases and the torch files lets later runs skip them. A stamp copied from another machine, or
 * left from before an upgrade, has another key and is ignored.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

export const TRIXIE = resolve(process.env.PTHLAB_TRIXIE ?? '/var/lib/pthlab/trixie');
export const CHROMIUM = process.env.PTHLAB_CHROMIUM ?? '/usr/bin/chromium';
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const HOST_PYTHON = '/usr/bin/python3';
const TORCH_INIT = 'usr/lib/python3/dist-packages/torch/__init__.py';
const STAMP =
  process.env.PTHLAB_ENV_STAMP ??
  join(dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'ensure-env.json');

const HOST_PROBE = 'import torch, numpy; print(torch.__version__)';
const CHROOT_PROBE =
  "import glob, torch, numpy, safetensors; assert glob.glob('/usr/lib/*/openblas-pthread/libblas.so.3'), 'no OpenBLAS'; print(torch.__version__)";

export const isRoot = process.getuid?.() === 0;

/**
 * @typedef {{ name: string, ok: boolean, detail: string, apt: string[], chroot?: boolean, redo?: boolean }} Check
 * @returns {Promise<{ results: Check[], probed: boolean }>} `probed`: the torch imports ran (no valid stamp).
 */
export async function checkAll() {
  const results = [];
  const chromiumOk = existsSync(CHROMIUM) && existsSync(SWIFTSHADER_ICD);
  results.push({
    name: 'chromium + SwiftShader',
    ok: chromiumOk,
    detail: chromiumOk ? CHROMIUM : `missing ${existsSync(CHROMIUM) ? SWIFTSHADER_ICD : CHROMIUM}`,
    apt: ['chromium'],
  });
  const vulkan = findLibVulkan();
  results.push({
    name: 'libvulkan.so.1',
    ok: vulkan !== null,
    detail: vulkan ?? 'not found in the library directories',
    apt: ['libvulkan1'],
  });

  const stampKey = torchStampKey();
  const stamp = readStamp();
  const stamped = stamp?.key === stampKey;
  const [host, chroot] = stamped
    ? [
        { ok: true, out: stamp.host },
        { ok: true, out: stamp.chroot },
      ]
    : await Promise.all([probeHost(), probeChroot()]);
  const hostOk = host.ok && host.out.startsWith('1.13');
  results.push({
    name: 'torch 1.13 (/usr/bin/python3)',
    ok: hostOk,
    detail: host.ok
      ? `torch ${host.out}${hostOk ? '' : ' (expected 1.13: Debian bookworm python3-torch)'}`
      : host.out,
    apt: host.ok ? [] : ['python3-torch', 'python3-numpy'],
  });
  const chrootOk = chroot.ok && chroot.out.startsWith('2.6');
  results.push({
    name: `torch 2.6 (trixie chroot ${TRIXIE})`,
    ok: chrootOk,
    detail: chroot.ok ? `torch ${chroot.out}${chrootOk ? '' : ' (expected 2.6)'}` : chroot.out,
    apt: [],
    chroot: true,
    redo: existsSync(TRIXIE) && !chrootOk,
  });
  if (hostOk && chrootOk && !stamped) writeStamp({ key: stampKey, host: host.out, chroot: chroot.out });
  return { results, probed: !stamped };
}

function findLibVulkan() {
  const dirs = ['/usr/lib', '/lib', '/usr/lib64', '/lib64', '/usr/local/lib'];
  for (const base of ['/usr/lib', '/lib']) {
    try {
      for (const d of readdirSync(base)) if (d.endsWith('-linux-gnu')) dirs.push(join(base, d));
    } catch {
      // no such directory
    }
  }
  for (const d of dirs) {
    const p = join(d, 'libvulkan.so.1');
    if (existsSync(p)) return p;
  }
  return null;
}

/** Run a command, collect its output; never throws. */
export function run(cmd, argv, timeoutMs = 120_000) {
  return new Promise((done) => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: pythonEnv() });
    } catch (e) {
      done({ code: -1, out: String(e) });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ code: -1, out: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, out });
    });
  });
}

function pythonEnv() {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
    HOME: process.env.HOME ?? '/root',
  };
}

/** The torch version line, with UCX/cpuinfo noise dropped; or the last error line. */
function probeResult({ code, out }) {
  const lines = out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/\bUCX\s+(ERROR|WARN)\b/.test(l) && !l.startsWith('Error in cpuinfo'));
  if (code === 0) return { ok: true, out: lines.at(-1) ?? '?' };
  return { ok: false, out: lines.at(-1) ?? `exit ${code}` };
}

async function probeHost() {
  if (!existsSync(HOST_PYTHON)) return { ok: false, out: `${HOST_PYTHON} not found` };
  return probeResult(await run(HOST_PYTHON, ['-c', HOST_PROBE]));
}

/**
 * torch 2.6 inside the chroot at `dir`. Without root, `asRoot` (e.g. `sudo -n`) or a user namespace enters it.
 * @param {string} dir
 * @param {string[]} asRoot
 */
export async function probeChroot(dir = TRIXIE, asRoot = []) {
  if (!existsSync(join(dir, 'usr/bin/python3'))) {
    return {
      ok: false,
      out: existsSync(dir) ? `${dir} is a half-made chroot (no python3)` : `${dir} missing`,
    };
  }
  if (!existsSync(join(dir, TORCH_INIT))) return { ok: false, out: `${dir} has no torch (half-made chroot)` };
  const argv = ['chroot', dir, 'python3', '-c', CHROOT_PROBE];
  const [cmd, ...rest] = isRoot
    ? argv
    : asRoot.length > 0
      ? [...asRoot, ...argv]
      : ['unshare', '-r', ...argv];
  const r = probeResult(await run(cmd, rest));
  if (!r.ok && !isRoot) r.out += ' (chroot needs root or user namespaces)';
  return r;
}

// ------------------------------------------------------------------ stamp

function statKey(path) {
  try {
    const s = statSync(path);
    return `${path}:${s.size}:${s.mtimeMs}`;
  } catch {
    return `${path}:missing`;
  }
}

function torchStampKey() {
  return [
    statKey('/var/lib/dpkg/status'),
    statKey(join('/', TORCH_INIT)),
    statKey(HOST_PYTHON),
    statKey(join(TRIXIE, 'var/lib/dpkg/status')),
    statKey(join(TRIXIE, TORCH_INIT)),
    statKey(join(TRIXIE, 'usr/bin/python3')),
  ].join('|');
}

/** @returns {{ key: string, host: string, chroot: string } | null} */
function readStamp() {
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
    return typeof stamp.key === 'string' ? stamp : null;
  } catch {
    return null;
  }
}

function writeStamp(stamp) {
  try {
    mkdirSync(dirname(STAMP), { recursive: true });
    writeFileSync(STAMP, `${JSON.stringify(stamp)}\n`);
  } catch {
    // read-only checkout: just recheck next time
  }
}
