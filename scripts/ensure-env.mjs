#!/usr/bin/env node
/**
 * Checks (and with --install, installs) everything the tests need; no dependencies, plain Node ESM.
 *
 *   node scripts/ensure-env.mjs             check; on anything missing print the exact commands and exit 1
 *   node scripts/ensure-env.mjs --install   install what is missing (root, Debian/Ubuntu), then check again
 *
 * Running as root on Debian/Ubuntu with CI=true installs too. Tests never skip for a missing piece: this
 * fails first. Checked, in order:
 *   1. /usr/bin/chromium and its SwiftShader Vulkan ICD (WebGPU in Dawn and in headless Chromium)
 *   2. libvulkan.so.1 (Debian libvulkan1), which Dawn's Node binding loads
 *   3. torch 1.13 (+ numpy) importable by /usr/bin/python3 (Debian bookworm python3-torch, python3-numpy)
 *   4. torch 2.6 (+ numpy, safetensors) in a Debian trixie chroot at $PTHLAB_TRIXIE (default
 *      /var/lib/pthlab/trixie), made by debootstrap; a half-made chroot (interrupted debootstrap) is redone.
 * The torch imports take ~2.5 s; once they pass, a stamp in .cache/ensure-env.json (keyed on the dpkg
 * databases and torch files) lets later runs skip them.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const TRIXIE = resolve(process.env.PTHLAB_TRIXIE ?? '/var/lib/pthlab/trixie');
const MIRROR = process.env.PTHLAB_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const CHROMIUM = '/usr/bin/chromium';
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const HOST_PYTHON = '/usr/bin/python3';
const TORCH_INIT = 'usr/lib/python3/dist-packages/torch/__init__.py';
const APT_PACKAGES = ['chromium', 'libvulkan1', 'python3-torch', 'python3-numpy', 'debootstrap'];
const DEBOOTSTRAP_ARGS = [
  '--variant=minbase',
  // OpenBLAS: without it Debian's torch runs on the reference BLAS, 20x slower, an unfair benchmark peer.
  '--include=python3-torch,python3-numpy,python3-safetensors,libopenblas0-pthread',
  'trixie',
  TRIXIE,
  MIRROR,
];
const STAMP = join(dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'ensure-env.json');

const HOST_PROBE = 'import torch, numpy; print(torch.__version__)';
const CHROOT_PROBE =
  "import glob, torch, numpy, safetensors; assert glob.glob('/usr/lib/*/openblas-pthread/libblas.so.3'), 'no OpenBLAS'; print(torch.__version__)";

const started = performance.now();
const args = process.argv.slice(2);
const isRoot = process.getuid?.() === 0;
const autoInstall = args.includes('--install') || (isRoot && process.env.CI === 'true' && isDebianLike());

// ------------------------------------------------------------------ checks

/** @returns {Promise<{ name: string, ok: boolean, detail: string, apt: string[], chroot?: boolean, redo?: boolean }[]>} */
async function checkAll() {
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
  const stamped = readStamp() === stampKey;
  const [host, chroot] = stamped
    ? [
        { ok: true, out: stampVersions().host },
        { ok: true, out: stampVersions().chroot },
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
  if (hostOk && chrootOk && !stamped) writeStamp(stampKey, host.out, chroot.out);
  return results;
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
function run(cmd, argv, timeoutMs = 120_000) {
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
    HOME: '/root',
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

async function probeChroot(dir = TRIXIE) {
  if (!existsSync(join(dir, 'usr/bin/python3'))) {
    return {
      ok: false,
      out: existsSync(dir) ? `${dir} is a half-made chroot (no python3)` : `${dir} missing`,
    };
  }
  if (!existsSync(join(dir, TORCH_INIT))) return { ok: false, out: `${dir} has no torch (half-made chroot)` };
  const argv = ['python3', '-c', CHROOT_PROBE];
  const res = isRoot
    ? await run('chroot', [dir, ...argv])
    : await run('unshare', ['-r', 'chroot', dir, ...argv]);
  const r = probeResult(res);
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

let stampData = null;

function readStamp() {
  try {
    stampData = JSON.parse(readFileSync(STAMP, 'utf8'));
    return stampData.key;
  } catch {
    return null;
  }
}

function stampVersions() {
  return { host: stampData?.host ?? '?', chroot: stampData?.chroot ?? '?' };
}

function writeStamp(key, host, chroot) {
  try {
    mkdirSync(dirname(STAMP), { recursive: true });
    writeFileSync(STAMP, `${JSON.stringify({ key, host, chroot })}\n`);
  } catch {
    // read-only checkout: just recheck next time
  }
}

// ------------------------------------------------------------------ install

function isDebianLike() {
  try {
    const osRelease = readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(osRelease);
  } catch {
    return existsSync('/etc/debian_version');
  }
}

function sh(cmd, argv) {
  console.log(`ensure-env: $ ${[cmd, ...argv].join(' ')}`);
  const r = spawnSync(cmd, argv, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

function hasCommand(name) {
  return ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, name)));
}

/** Refuse to delete anything that is not plainly a chroot of ours. */
function removeChroot(dir) {
  const depth = dir.split('/').filter(Boolean).length;
  if (depth < 2) throw new Error(`refusing to remove ${dir}: too close to /`);
  const entries = readdirSync(dir);
  const looksLikeRoot =
    entries.length === 0 || entries.some((e) => ['debootstrap', 'usr', 'var', 'etc'].includes(e));
  if (!looksLikeRoot)
    throw new Error(`refusing to remove ${dir}: it does not look like a debootstrap chroot`);
  // An interrupted run may have left mounts inside (e.g. /proc): unmount them first, deepest first.
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) sh('umount', ['-l', m]);
  console.log(`ensure-env: removing the half-made chroot ${dir}`);
  rmSync(dir, { recursive: true, force: true });
}

async function install(missing) {
  if (!isRoot) throw new Error('installing needs root: run `sudo node scripts/ensure-env.mjs --install`');
  if (!isDebianLike())
    throw new Error('automatic install supports Debian/Ubuntu only (apt-get, debootstrap)');
  const apt = new Set(missing.flatMap((m) => m.apt));
  const chroot = missing.find((m) => m.chroot);
  if (chroot && !hasCommand('debootstrap')) apt.add('debootstrap');
  if (apt.size > 0) {
    sh('apt-get', ['update']);
    sh('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES.filter((p) => apt.has(p))]);
  }
  if (chroot) {
    if (existsSync(TRIXIE)) removeChroot(TRIXIE);
    // debootstrap into a side directory, renamed only once torch imports there: TRIXIE is never half-made.
    const partial = `${TRIXIE}.partial`;
    if (existsSync(partial)) removeChroot(partial);
    mkdirSync(dirname(TRIXIE), { recursive: true });
    const t0 = performance.now();
    sh(
      'debootstrap',
      DEBOOTSTRAP_ARGS.map((a) => (a === TRIXIE ? partial : a)),
    );
    const probe = await probeChroot(partial);
    if (!probe.ok) throw new Error(`the new chroot cannot import torch: ${probe.out}`);
    renameSync(partial, TRIXIE);
    console.log(`ensure-env: trixie chroot ready (torch ${probe.out}) in ${secs(performance.now() - t0)}`);
  }
}

function printCommands(missing) {
  const apt = new Set(missing.flatMap((m) => m.apt));
  const chroot = missing.find((m) => m.chroot);
  if (chroot && !hasCommand('debootstrap')) apt.add('debootstrap');
  const sudo = isRoot ? '' : 'sudo ';
  const lines = [];
  if (apt.size > 0) {
    lines.push(`${sudo}apt-get update`);
    lines.push(
      `${sudo}apt-get install -y --no-install-recommends ${APT_PACKAGES.filter((p) => apt.has(p)).join(' ')}`,
    );
  }
  if (chroot) {
    if (chroot.redo) lines.push(`${sudo}rm -rf ${TRIXIE}`);
    lines.push(`${sudo}mkdir -p ${dirname(TRIXIE)}`);
    lines.push(`${sudo}debootstrap ${DEBOOTSTRAP_ARGS.join(' ')}`);
  }
  console.error('\nensure-env: the tests need these; run (Debian/Ubuntu):\n');
  for (const l of lines) console.error(`  ${l}`);
  console.error(`\nor all at once: ${sudo}node scripts/ensure-env.mjs --install\n`);
}

function secs(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

function report(results) {
  const log = results.every((r) => r.ok) ? console.log : console.error;
  for (const r of results) log(`ensure-env: ${r.ok ? 'ok     ' : 'MISSING'} ${r.name}: ${r.detail}`);
}

// ------------------------------------------------------------------ main

async function main() {
  let results = await checkAll();
  let missing = results.filter((r) => !r.ok);
  if (missing.length > 0 && autoInstall) {
    report(results);
    try {
      await install(missing);
    } catch (e) {
      console.error(`ensure-env: install failed: ${e.message}`);
      printCommands(missing);
      return 1;
    }
    results = await checkAll();
    missing = results.filter((r) => !r.ok);
  }
  if (missing.length > 0) {
    report(results);
    for (const m of missing.filter((r) => r.apt.length === 0 && !r.chroot)) {
      console.error(
        `ensure-env: ${m.name}: wrong version; the tests pin Debian bookworm's python3-torch 1.13`,
      );
    }
    printCommands(missing);
    return 1;
  }
  const summary = results.map((r) => r.detail).join(', ');
  console.log(`ensure-env: all present (${summary}) in ${secs(performance.now() - started)}`);
  return 0;
}

process.exitCode = await main();
