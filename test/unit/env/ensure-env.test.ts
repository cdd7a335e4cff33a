/**
 * The set-up that `npm test` runs first (scripts/ensure-env.mjs), asked what it would install on machines this
 * one is not: a missing Chromium, an empty or absent chroot, a stamp copied from another machine, a user without
 * root. `--plan` changes nothing, so these run anywhere; the torch probes are the real ones (~3 s).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const scripts = fileURLToPath(new URL('../../../scripts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'pthlab-env-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Plan {
  probed: boolean;
  missing: string[];
  apt: string[];
  chroot: 'create' | 'redo' | null;
  via: 'root' | 'sudo' | null;
}

function ensureEnv(args: string[], env: Record<string, string>, script = join(scripts, 'ensure-env.mjs')) {
  const r = spawnSync(process.execPath, [script, ...args], {
    env: { ...process.env, CI: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function plan(env: Record<string, string>): Plan {
  const r = ensureEnv(['--plan'], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Plan;
}

describe('ensure-env', { timeout: 240_000 }, () => {
  it('plans Chromium and a fresh chroot for a machine with neither, ignoring a stamp from another machine', () => {
    const emptyChroot = join(work, 'empty-chroot');
    mkdirSync(emptyChroot);
    const foreignStamp = join(work, 'foreign.json');
    writeFileSync(foreignStamp, JSON.stringify({ key: 'another machine', host: '1.13.0', chroot: '2.6.0' }));
    const p = plan({
      PTHLAB_CHROMIUM: join(work, 'no-chromium'),
      PTHLAB_TRIXIE: emptyChroot,
      PTHLAB_ENV_STAMP: foreignStamp,
    });
    expect(p.probed).toBe(true); // the stamp's versions were not believed
    expect(p.apt).toContain('chromium');
    expect(p.chroot).toBe('redo'); // the empty directory is a half-made chroot: removed, then made again
    expect(p.missing).toEqual(['chromium + SwiftShader', `torch 2.6 (trixie chroot ${emptyChroot})`]);

    const absent = plan({ PTHLAB_TRIXIE: join(work, 'absent'), PTHLAB_ENV_STAMP: foreignStamp });
    expect(absent.chroot).toBe('create');
    expect(absent.apt).not.toContain('chromium');
  });

  it('plans nothing on this machine, and trusts its own stamp on the second run without probing torch', () => {
    const stamp = join(work, 'own.json');
    const first = ensureEnv(['--check'], { PTHLAB_ENV_STAMP: stamp });
    expect(first.code, first.stderr).toBe(0);
    expect(readdirSync(work)).toContain('own.json');
    const second = plan({ PTHLAB_ENV_STAMP: stamp });
    expect(second).toMatchObject({ probed: false, missing: [], apt: [], chroot: null });
  });

  it('without root or sudo prints the commands and exits non-zero instead of installing', () => {
    // A copy every user can read: the checkout itself may sit in root's home.
    const copy = join(work, 'scripts');
    cpSync(scripts, copy, { recursive: true });
    chmodSync(work, 0o755);
    for (const f of readdirSync(copy)) chmodSync(join(copy, f), 0o644);
    chmodSync(copy, 0o755);
    const nobody = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(copy, 'ensure-env.mjs')],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          PTHLAB_TRIXIE: join(work, 'absent'),
          PTHLAB_ENV_STAMP: join(work, 'x.json'),
        },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(nobody.status, nobody.stderr).toBe(1);
    expect(nobody.stderr).toContain('not installing by itself: installing needs root or passwordless sudo');
    expect(nobody.stderr).toContain(`sudo debootstrap --variant=minbase`);
    expect(nobody.stderr).toContain(join(work, 'absent'));
  });
});
