#!/usr/bin/env node
/**
 * Makes this machine ready for `npm test`, which runs it first: checks what the tests need (env-checks.mjs)
 * and installs what is missing wherever it can. No dependencies, plain Node ESM.
 *
 *   node scripts/ensure-env.mjs             install what is missing when this is Debian/Ubuntu and we are root or
 *                                           have passwordless sudo; otherwise print the exact commands and exit 1
 *   node scripts/ensure-env.mjs --check     never install: report, print the commands, exit 1 if anything is missing
 *   node scripts/ensure-env.mjs --install   install, or fail saying why it cannot
 *   node scripts/ensure-env.mjs --plan      print what would be installed as one JSON object; change nothing
 *
 * Installed: Debian's chromium (its SwiftShader Vulkan driver gives WebGPU without a GPU), libvulkan1 (Dawn's
 * Node binding loads it), python3-torch (torch 1.13) and a Debian trixie chroot at $PTHLAB_TRIXIE (default
 * /var/lib/pthlab/trixie, about 1.5 GB) with torch 2.6, made by debootstrap. Tests never skip for a missing
 * piece: this fails first. Once everything passed, a stamp makes the next run take milliseconds.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { CHROMIUM, TRIXIE, checkAll, isRoot, probeChroot } from './env-checks.mjs';

const MIRROR = process.env.PTHLAB_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const APT_PACKAGES = ['chromium', 'libvulkan1', 'python3-torch', 'python3-numpy', 'debootstrap'];
const DEBOOTSTRAP_ARGS = [
  '--variant=minbase',
  // OpenBLAS: without it Debian's torch runs on the reference BLAS, 20x slower, an unfair benchmark peer.
  '--include=python3-torch,python3-numpy,python3-safetensors,libopenblas0-pthread',
  'trixie',
  TRIXIE,
  MIRROR,
];
const PROGRESS_EVERY_MS = 10_000;

const started = performance.now();
const args = new Set(process.argv.slice(2));
const mode = args.has('--plan')
  ? 'plan'
  : args.has('--check')
    ? 'check'
    : args.has('--install')
      ? 'install'
      : 'auto';

// ------------------------------------------------------------------ who may install

function isDebianLike() {
  try {
    const osRelease = readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(osRelease);
  } catch {
    return existsSync('/etc/debian_version');
  }
}

function hasCommand(name) {
  return ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, name)));
}

/** The prefix that runs a command as root (`[]` as root, `sudo -n` with passwordless sudo), or null. */
function rootPrefix() {
  if (isRoot) return [];
  if (hasCommand('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0)
    return ['sudo', '-n'];
  return null;
}

/** Why this machine cannot install by itself, or null when it can. */
function cannotInstall(asRoot) {
  if (!isDebianLike()) return 'automatic install supports Debian/Ubuntu only (apt-get, debootstrap)';
  if (asRoot === null) return 'installing needs root or passwordless sudo';
  return null;
}

// ------------------------------------------------------------------ what is missing

/** The apt packages and the chroot step that would make every check pass. */
function planFor(missing) {
  const apt = new Set(missing.flatMap((m) => m.apt));
  const chroot = missing.find((m) => m.chroot);
  if (chroot && !hasCommand('debootstrap')) apt.add('debootstrap');
  return {
    apt: APT_PACKAGES.filter((p) => apt.has(p)),
    chroot: chroot ? (chroot.redo ? 'redo' : 'create') : null,
  };
}

function printCommands(plan) {
  const sudo = isRoot ? '' : 'sudo ';
  const lines = [];
  if (plan.apt.length > 0) {
    lines.push(`${sudo}apt-get update`);
    lines.push(`${sudo}apt-get install -y --no-install-recommends ${plan.apt.join(' ')}`);
  }
  if (plan.chroot) {
    if (plan.chroot === 'redo') lines.push(`${sudo}rm -rf ${TRIXIE}`);
    lines.push(`${sudo}mkdir -p ${dirname(TRIXIE)}`);
    lines.push(`${sudo}debootstrap ${DEBOOTSTRAP_ARGS.join(' ')}`);
  }
  console.error('\nensure-env: the tests need these; run (Debian/Ubuntu):\n');
  for (const l of lines) console.error(`  ${l}`);
  console.error(`\nor all at once: ${sudo}node scripts/ensure-env.mjs --install\n`);
}

// ------------------------------------------------------------------ install

function secs(ms) {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 0)} s`;
}

/** Run a command as root, its output shown; throws on failure. */
function sh(asRoot, cmd, argv) {
  const [bin, ...rest] = [...asRoot, cmd, ...argv];
  console.log(`ensure-env: $ ${[bin, ...rest].join(' ')}`);
  const r = spawnSync(bin, rest, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

/** Refuse to delete anything that is not plainly a chroot of ours. */
function removeChroot(asRoot, dir) {
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
  for (const m of mounts) sh(asRoot, 'umount', ['-l', m]);
  console.log(`ensure-env: removing the half-made chroot ${dir}`);
  sh(asRoot, 'rm', ['-rf', '--one-file-system', dir]);
}

/** Megabytes of packages debootstrap has downloaded into `dir` so far. */
function downloadedMb(dir) {
  const cache = join(dir, 'var/cache/apt/archives');
  let bytes = 0;
  try {
    for (const f of readdirSync(cache)) if (f.endsWith('.deb')) bytes += statSync(join(cache, f)).size;
  } catch {
    // not there yet
  }
  return Math.round(bytes / 2 ** 20);
}

/**
 * debootstrap into `dir`, printing one progress line every 10 s (packages fetched, megabytes, what it is doing)
 * instead of its thousand lines; its last lines are printed if it fails.
 */
function debootstrap(asRoot, dir) {
  const argv = DEBOOTSTRAP_ARGS.map((a) => (a === TRIXIE ? dir : a));
  console.log(`ensure-env: $ ${[...asRoot, 'debootstrap', ...argv].join(' ')}`);
  const t0 = performance.now();
  const [bin, ...rest] = [...asRoot, 'debootstrap', ...argv];
  const child = spawn(bin, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  let retrieved = 0;
  let doing = 'starting';
  let pending = '';
  const take = (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      const info = /^I: (.*)/.exec(line);
      if (!info?.[1]) continue;
      doing = info[1];
      if (/^Retrieving \S+ \S+$/.test(doing)) retrieved += 1; // a package and its version, not the indexes
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const progress = setInterval(() => {
    console.log(
      `ensure-env: debootstrap ${secs(performance.now() - t0)}: ${retrieved} packages, ` +
        `${downloadedMb(dir)} MB downloaded; ${doing}`,
    );
  }, PROGRESS_EVERY_MS);
  return new Promise((done, fail) => {
    child.on('error', (e) => {
      clearInterval(progress);
      fail(new Error(`debootstrap failed (${e.message})`));
    });
    child.on('close', (code) => {
      clearInterval(progress);
      if (code === 0) return done();
      console.error(tail.join('\n'));
      fail(new Error(`debootstrap failed (exit ${code})`));
    });
  });
}

async function install(plan, asRoot) {
  if (plan.apt.length > 0) {
    const t0 = performance.now();
    console.log(`ensure-env: installing Debian packages: ${plan.apt.join(', ')}`);
    sh(asRoot, 'apt-get', ['update']);
    sh(asRoot, 'apt-get', ['install', '-y', '--no-install-recommends', ...plan.apt]);
    console.log(`ensure-env: Debian packages installed in ${secs(performance.now() - t0)}`);
  }
  if (plan.chroot) {
    const t0 = performance.now();
    console.log(`ensure-env: making the torch 2.6 chroot (Debian trixie, about 1.5 GB) at ${TRIXIE}`);
    if (existsSync(TRIXIE)) removeChroot(asRoot, TRIXIE);
    // debootstrap into a side directory, renamed only once torch imports there: TRIXIE is never half-made.
    const partial = `${TRIXIE}.partial`;
    if (existsSync(partial)) removeChroot(asRoot, partial);
    sh(asRoot, 'mkdir', ['-p', dirname(TRIXIE)]);
    await debootstrap(asRoot, partial);
    const probe = await probeChroot(partial, asRoot);
    if (!probe.ok) throw new Error(`the new chroot cannot import torch: ${probe.out}`);
    sh(asRoot, 'mv', ['-T', partial, TRIXIE]);
    console.log(`ensure-env: trixie chroot ready (torch ${probe.out}) in ${secs(performance.now() - t0)}`);
  }
}

// ------------------------------------------------------------------ main

function report(results) {
  const log = results.every((r) => r.ok) ? console.log : console.error;
  for (const r of results) log(`ensure-env: ${r.ok ? 'ok     ' : 'MISSING'} ${r.name}: ${r.detail}`);
}

async function main() {
  let { results, probed } = await checkAll();
  let missing = results.filter((r) => !r.ok);
  const asRoot = mode === 'check' ? null : rootPrefix();
  const why = cannotInstall(asRoot);
  if (mode === 'plan') {
    const plan = planFor(missing);
    const via = asRoot === null ? null : asRoot.length === 0 ? 'root' : 'sudo';
    console.log(
      JSON.stringify({
        probed,
        missing: missing.map((m) => m.name),
        ...plan,
        chromium: CHROMIUM,
        trixie: TRIXIE,
        via,
        cannotInstall: why,
      }),
    );
    return 0;
  }
  if (missing.length > 0 && (mode === 'install' || (mode === 'auto' && why === null))) {
    report(results);
    const plan = planFor(missing);
    try {
      if (why !== null) throw new Error(why);
      await install(plan, asRoot ?? []);
    } catch (e) {
      console.error(`ensure-env: install failed: ${e.message}`);
      printCommands(plan);
      return 1;
    }
    ({ results } = await checkAll());
    missing = results.filter((r) => !r.ok);
    if (missing.length === 0)
      console.log(`ensure-env: everything installed in ${secs(performance.now() - started)}`);
  }
  if (missing.length > 0) {
    report(results);
    for (const m of missing.filter((r) => r.apt.length === 0 && !r.chroot)) {
      console.error(
        `ensure-env: ${m.name}: wrong version; the tests pin Debian bookworm's python3-torch 1.13`,
      );
    }
    if (mode === 'auto' && why !== null) console.error(`ensure-env: not installing by itself: ${why}`);
    printCommands(planFor(missing));
    return 1;
  }
  const summary = results.map((r) => r.detail).join(', ');
  console.log(`ensure-env: all present (${summary}) in ${secs(performance.now() - started)}`);
  return 0;
}

process.exitCode = await main();
