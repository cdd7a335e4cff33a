/**
 * The model editor on a phone (390x844): one card per layer (type, keywords as inputs, output shape,
 * parameters, move and remove buttons), no sideways scrolling in the editor or the page, and a card's input
 * edits its layer as the table's does. axe-core finds no serious or critical violation in the cards.
 * Screenshot: test-artifacts/editor-cards-390.png.
 */
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, startBrowser } from './browser.ts';
import { seriousViolations } from './axe.ts';

const artifacts = join(process.cwd(), 'test-artifacts');
const query = 'dataset=spirals&preset=deep&optim=adam&lr=0.05&seed=1&batch=64&noise=0.05';

const jsonText = (page: Page) =>
  page.$eval('pth-model-editor >>> textarea', (el) => (el as HTMLTextAreaElement).value);

describe('the model editor at 390x844', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowser();
    page = await session.open(`/?${query}`);
    await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
    await page.waitForFunction(
      () => (globalThis as { pthlab?: { ready?: boolean } }).pthlab?.ready === true,
      { timeout: 60_000 },
    );
  });
  afterAll(async () => {
    await session?.close();
  });

  it('shows one card per layer, each inside the editor, with no sideways scrolling', async () => {
    const layout = await page.evaluate(() => {
      const editor = document.querySelector('pth-model-editor')!;
      const box = editor.getBoundingClientRect();
      const cards = [...editor.shadowRoot!.querySelectorAll('tbody tr[data-row]')].map((tr) => {
        const r = tr.getBoundingClientRect();
        const cell = (c: string) => tr.querySelector(c)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
        return {
          left: r.left,
          right: r.right,
          display: getComputedStyle(tr).display,
          type: cell('.type'),
          shape: cell('.shape'),
          buttons: tr.querySelectorAll('td.buttons button').length,
          inputs: tr.querySelectorAll('td.sizes input').length,
        };
      });
      const table = editor.shadowRoot!.querySelector('table')!;
      return {
        editor: { left: box.left, right: box.right, scroll: editor.scrollWidth, width: editor.clientWidth },
        table: { scroll: table.scrollWidth, width: table.clientWidth },
        page: { scroll: document.documentElement.scrollWidth, width: innerWidth },
        cards,
      };
    });
    expect(layout.page.scroll).toBeLessThanOrEqual(layout.page.width);
    expect(layout.editor.scroll).toBeLessThanOrEqual(layout.editor.width);
    expect(layout.table.scroll).toBeLessThanOrEqual(layout.table.width);
    expect(layout.cards.length).toBe(7);
    for (const card of layout.cards) {
      expect(card.display).toBe('grid');
      expect(card.left).toBeGreaterThanOrEqual(layout.editor.left - 0.5);
      expect(card.right).toBeLessThanOrEqual(layout.editor.right + 0.5);
      expect(card.buttons).toBe(4);
    }
    expect(layout.cards[0]).toMatchObject({ type: 'Linear', shape: '(1, 32)', inputs: 1 });
    await page.evaluate(() => document.querySelector('#editor-panel')?.scrollIntoView());
    await page.screenshot({ path: join(artifacts, 'editor-cards-390.png') });
  });

  it("edits a layer from its card's input", async () => {
    const field = await page.waitForSelector(
      'pth-model-editor >>> [aria-label="layer 0 (Linear) out_features"]',
    );
    await field?.focus();
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.type('24');
    await page.keyboard.press('Tab');
    await page.waitForFunction(() =>
      document
        .querySelector('pth-model-editor')
        ?.shadowRoot?.querySelector('textarea')
        ?.value.includes('"out_features": 24'),
    );
    const spec = JSON.parse(await jsonText(page)) as { layers: Record<string, unknown>[] };
    expect(spec.layers[0]).toMatchObject({ type: 'Linear', out_features: 24 });
    expect(spec.layers[2]).toMatchObject({ type: 'Linear', in_features: 24 });
    const shape = await page.$eval('pth-model-editor >>> tr[data-row="0"] .shape', (el) =>
      el.textContent?.replace(/\s+/g, ' ').trim(),
    );
    expect(shape).toBe('(1, 24)');
  });

  it('axe-core finds no serious or critical violation in the cards', async () => {
    const violations = await seriousViolations(page, '#editor-panel');
    expect(violations).toEqual([]);
  });
});
