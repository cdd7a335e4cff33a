/**
 * `<pth-trainer dataset="text" preset="gpt">` in a real Chromium: the tiny GPT loads the shipped corpus,
 * shows a sample and one attention heatmap per head, trains (the status line's step and the loss chart move,
 * a new sample is printed at step 25), and Save downloads ckpt.pt and meta.pkl that nanoGPT's resume opens
 * in torch 2.6 (py/engine/gpt_train_cli.py), at the page's step. Screenshot: test-artifacts/text-trainer.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTorch, scratchDir } from '../torch/harness.ts';
import { type BrowserSession, allowDownloads, startBrowser } from './browser.ts';

const artifacts = join(process.cwd(), 'test-artifacts');
const inner = 'pth-trainer >>> pth-text-trainer';

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 100));
}

describe('<pth-trainer dataset="text" preset="gpt">', () => {
  let session: BrowserSession;
  let page: Page;
  let scratch: ReturnType<typeof scratchDir>;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    scratch = scratchDir('2.6');
    session = await startBrowser();
    page = await session.open('/examples/embed.html');
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.setViewport({ width: 1000, height: 1200 });
    await allowDownloads(page, scratch.hostPath);
    await page.evaluate(() => {
      const el = document.createElement('pth-trainer');
      el.setAttribute('dataset', 'text');
      el.setAttribute('preset', 'gpt');
      document.body.replaceChildren(el);
    });
    // Ready: the first sample and the attention of its prompt are shown.
    await page.waitForFunction(
      () => {
        const t = document.querySelector('pth-trainer')?.shadowRoot?.querySelector('pth-text-trainer');
        return (t?.sample ?? '').length > 0 && t?.maps !== undefined;
      },
      { timeout: 120_000 },
    );
  }, 180_000);
  afterAll(async () => {
    await session?.close();
    scratch?.cleanup();
  });

  it('shows a sample and one heatmap per head, trains, and prints new samples', async () => {
    const first = await page.$eval(inner, (t) => ({ sample: t.sample, step: t.sampleStep }));
    expect(first.step).toBe(0);
    expect(first.sample.startsWith('The ')).toBe(true);
    expect(await page.$$eval(`${inner} >>> pth-attention >>> canvas`, (c) => c.length)).toBe(2);
    await (await page.$('aria/Train[role="button"]'))?.click();
    await page.waitForFunction(
      () =>
        (document.querySelector('pth-trainer')?.shadowRoot?.querySelector('pth-text-trainer')?.sampleStep ??
          0) >= 25,
      { timeout: 300_000 },
    );
    await (await page.$('aria/Pause[role="button"]'))?.click();
    await page.$eval(inner, (t) => t.pause()); // the worker's pause has landed: no step comes after
    const after = await page.$eval(inner, (t) => ({ sample: t.sample, step: t.sampleStep }));
    expect(after.sample).not.toBe(first.sample);
    const points = await page.$eval(`${inner} >>> pth-loss-chart`, (c) => c.points);
    const losses = points.filter((p) => p.trainLoss !== undefined).map((p) => p.trainLoss as number);
    expect(losses.length).toBeGreaterThanOrEqual(25);
    const heldOut = points.filter((p) => p.heldOutLoss !== undefined);
    expect(heldOut.length).toBeGreaterThanOrEqual(1); // the validation loss at step 0 at least
    expect(await page.$eval(`${inner} >>> pth-status >>> [role=status]`, (s) => s.textContent)).toMatch(
      /^step \d+ · loss [\d.]+/,
    );
    await page.screenshot({ path: join(artifacts, 'text-trainer.png'), fullPage: true });
  }, 360_000);

  it('saves ckpt.pt and meta.pkl that nanoGPT opens in torch 2.6 at the same step', async () => {
    const step = await page.$eval(inner, (t) =>
      Number(/^step (\d+)/.exec(t.renderRoot.querySelector('pth-status')?.text ?? '')?.[1]),
    );
    await (await page.$('aria/Save ckpt.pt + meta.pkl[role="button"]'))?.click();
    await waitForFile(join(scratch.hostPath, 'ckpt.pt'));
    await waitForFile(join(scratch.hostPath, 'meta.pkl'));
    await new Promise((r) => setTimeout(r, 500)); // the download finishes writing
    const out = await runTorch('2.6', 'engine/gpt_train_cli.py', [
      'open',
      scratch.pyPath,
      JSON.stringify({ prompt: 'The ', tokens: 20 }),
    ]);
    const opened = JSON.parse(out.trim().split('\n').at(-1) ?? '') as { iter_num: number; text: string };
    expect(opened.iter_num).toBe(step);
    expect([...opened.text]).toHaveLength(24);
    expect(errors).toEqual([]);
  }, 180_000);
});
