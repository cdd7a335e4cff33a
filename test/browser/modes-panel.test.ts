/**
 * The sandbox's "Training or eval mode" panel: a model with BatchNorm and Dropout gives different outputs for
 * the same held-out rows in model.train() and model.eval(), shown side by side; training afterwards is not
 * disturbed (each mode runs on a copy of the weights). Screenshot: test-artifacts/sandbox-modes.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, startBrowser } from './browser.ts';

const arch = {
  type: 'Sequential',
  layers: [
    { type: 'Linear', in_features: 2, out_features: 16 },
    { type: 'BatchNorm1d', num_features: 16 },
    { type: 'ReLU' },
    { type: 'Dropout', p: 0.5 },
    { type: 'Linear', in_features: 16, out_features: 2 },
  ],
};
const query = `dataset=moons&optim=adam&lr=0.01&seed=1&arch=${encodeURIComponent(JSON.stringify(arch))}`;

describe('training or eval mode in the sandbox', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowser();
    page = await session.open(`/?${query}`);
    await page.setViewport({ width: 1366, height: 768 });
    await page.waitForFunction(
      () => (globalThis as { pthlab?: { ready?: boolean } }).pthlab?.ready === true,
      { timeout: 60_000 },
    );
  });
  afterAll(async () => {
    await session?.close();
  });

  it('shows the same rows through model.train() and model.eval(), and they differ', async () => {
    await page.click('#compare-modes');
    await page.waitForFunction(
      () => document.querySelector('pth-mode-compare')?.shadowRoot?.querySelector('tbody tr') != null,
      { polling: 100, timeout: 60_000 },
    );
    const shown = await page.$eval('pth-mode-compare', (el) => ({
      summary: el.shadowRoot!.querySelector('p')?.textContent ?? '',
      rows: el.shadowRoot!.querySelectorAll('tbody tr').length,
      cells: [...el.shadowRoot!.querySelectorAll('tbody tr:first-child td')].map(
        (td) => td.textContent ?? '',
      ),
    }));
    expect(shown.summary).toMatch(
      /The two modes differ on the same 16 rows by up to [\d.e+-]+: call model\.eval\(\)/,
    );
    expect(shown.rows).toBe(4);
    expect(shown.cells).toHaveLength(3);
    expect(shown.cells[1]).not.toBe(shown.cells[2]);
    await page.$eval('#modes-panel', (el) => el.scrollIntoView());
    mkdirSync(join(process.cwd(), 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(process.cwd(), 'test-artifacts', 'sandbox-modes.png') });
  });
});
