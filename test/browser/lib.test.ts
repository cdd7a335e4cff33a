/**
 * `npm run build:lib`: the ES module library build with types. The test runs the build, type-checks a small
 * consumer against dist/lib's declarations (strict, Node-style resolution), and opens
 * test/browser/pages/lib.html from a plain static server, so the page has nothing but dist/lib: the
 * components render and train, and no source file or other script is fetched. Screenshot:
 * test-artifacts/lib.png.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../torch/fixtures.ts';
import { type BrowserSession, startBrowser } from './browser.ts';

const run = promisify(execFile);
const lib = join(repoRoot, 'dist/lib');
const entries = ['ui', 'checkpoint', 'tensor', 'nn', 'optim', 'train', 'train/datasets'];

const consumer = `
import { ModelCheckpoints, PthStatus, modulePredict } from '${lib}/ui/index.js';
import { loadCheckpoint } from '${lib}/checkpoint/index.js';
import { buildModule } from '${lib}/nn/index.js';
import { cpu } from '${lib}/tensor/index.js';
const status: PthStatus = document.createElement('pth-status');
status.step = 3;
const model = buildModule({ type: 'Linear', in_features: 2, out_features: 2 }, { backend: cpu });
const actions = new ModelCheckpoints({ model: () => model, backend: cpu });
export const predict = modulePredict(() => model, cpu);
export const bytes: Promise<number> = actions.saveStateDict().then((f) => loadCheckpoint(f.bytes).format.length);
// @ts-expect-error the declarations are typed, not any: step is a number
status.step = 'three';
`;

describe('npm run build:lib', () => {
  let session: BrowserSession | undefined;
  let page: Page;

  beforeAll(async () => {
    await run('npm', ['run', 'build:lib'], { cwd: repoRoot, maxBuffer: 64 << 20 });
    session = await startBrowser({ staticRoot: repoRoot });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('writes each entry point as an ES module beside its declarations', () => {
    for (const entry of entries) {
      expect(existsSync(join(lib, entry, 'index.js')), `${entry}/index.js`).toBe(true);
      expect(existsSync(join(lib, entry, 'index.d.ts')), `${entry}/index.d.ts`).toBe(true);
    }
  });

  it('has declarations a strict TypeScript consumer type-checks against', async () => {
    const dir = mkdtempSync(join(repoRoot, 'test-artifacts', 'lib-consumer-'));
    try {
      writeFileSync(join(dir, 'consumer.ts'), consumer);
      const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
      const args = ['--ignoreConfig', '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext'];
      args.push(
        '--lib',
        'es2022,dom',
        '--types',
        '@webgpu/types',
        '--skipLibCheck',
        join(dir, 'consumer.ts'),
      );
      const result = await run(process.execPath, [tsc, ...args], { cwd: repoRoot }).catch(
        (e: { stdout: string }) => ({ stdout: e.stdout }),
      );
      expect(result.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the built components in a page with nothing else, and they train', async () => {
    if (session === undefined) throw new Error('no browser');
    const requested: string[] = [];
    page = await session.browser.newPage();
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    page.on('pageerror', (error) => session?.errors.push(`page: ${String(error)}`));
    page.on('console', (message) => {
      if (message.type() === 'error') session?.errors.push(`console: ${message.text()}`);
    });
    await page.setViewport({ width: 1000, height: 900 });
    await page.goto(`${session.baseUrl}/test/browser/pages/lib.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true', { timeout: 60_000 });
    expect(await page.$eval('pth-decision-map', (el) => el.shadowRoot?.textContent ?? '')).toContain(
      'shaded by the predicted class',
    );
    await page.click('#train');
    await page.waitForFunction(() => document.body.dataset['trained'] !== undefined, { timeout: 120_000 });
    expect(await page.evaluate(() => document.body.dataset['trained'])).toBe(
      '0.weight,0.bias,2.weight,2.bias',
    );
    const status = await page.$eval('pth-status >>> [role=status]', (el) => el.textContent ?? '');
    expect(status).toMatch(/^step 100 · loss [\d.]+ · accuracy [\d.]+%$/);
    const rows = await page.$$eval('pth-model-summary >>> tbody tr', (trs) => trs.length);
    expect(rows).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: join(repoRoot, 'test-artifacts', 'lib.png'), fullPage: true });
    const outside = requested.filter(
      (path) => path !== '/test/browser/pages/lib.html' && !path.startsWith('/dist/lib/'),
    );
    expect(outside).toEqual([]);
    expect(requested.filter((path) => path.endsWith('.js')).length).toBeGreaterThanOrEqual(7);
    expect(session.errors).toEqual([]);
  });
});
