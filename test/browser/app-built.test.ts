/**
 * The app as `npm run build` makes it (dist/app), served as plain files: the sandbox registers its
 * components, trains in its worker and draws; its text mode trains a GPT in the text trainer's worker; the
 * tools and tutorial pages start; no console errors. The dev
 * server every other browser test uses hides what the production bundle drops (a side-effect import
 * tree-shaken away leaves every <pth-*> element undefined).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, startBrowser, trainTextSteps } from './browser.ts';

describe('the built app, served as plain files', () => {
  let session: BrowserSession;
  let outDir: string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'pthlab-app-'));
    execFileSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
      stdio: 'pipe',
    });
    session = await startBrowser({ staticRoot: outDir });
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('the sandbox defines its elements, trains and draws', async () => {
    const page = await session.open('/index.html?dataset=spirals&preset=mlp&seed=1');
    await page.waitForFunction(
      () => (globalThis as { pthlab?: { ready?: boolean } }).pthlab?.ready === true,
      {
        timeout: 60_000,
      },
    );
    const undefinedTags = await page.evaluate(() =>
      [...new Set([...document.querySelectorAll('*')].map((e) => e.localName))].filter(
        (tag) => tag.startsWith('pth-') && customElements.get(tag) === undefined,
      ),
    );
    expect(undefinedTags).toEqual([]);
    await page.click('#train');
    await page.waitForFunction(
      () => (document.querySelector('pth-loss-chart')?.points ?? []).some((p) => p.step >= 50),
      { timeout: 60_000 },
    );
    await page.click('#pause');
    expect(session.errors).toEqual([]);
  });

  it('text mode trains its GPT in the text trainer worker, over the corpus the build copied', async () => {
    const page = await session.open('/index.html?dataset=text&preset=gpt-tiny&seed=1');
    // Ready: the step-0 sample of the fresh model is shown.
    await trainTextSteps(page, 2);
    expect(await page.$eval('pth-text-trainer', (t) => t.message)).toMatch(
      /^\d+ characters, \d+ in the corpus$/,
    );
    expect(session.errors).toEqual([]);
  });

  it('the tools and tutorial pages start with their elements defined', async () => {
    for (const path of ['/tools.html', '/tutorial.html']) {
      const page = await session.open(path);
      const undefinedTags = await page.evaluate(() =>
        [...new Set([...document.querySelectorAll('*')].map((e) => e.localName))].filter(
          (tag) => tag.startsWith('pth-') && customElements.get(tag) === undefined,
        ),
      );
      expect(undefinedTags, path).toEqual([]);
      await page.close();
    }
    expect(session.errors).toEqual([]);
  });
});
