/**
 * The sandbox trains in a Web Worker, in headless Chromium on the CPU fallback (SwiftShader's WebGPU runs in
 * software, so the page picks the CPU backend):
 *   a. while the MNIST CNN trains (one step costs a few hundred milliseconds on the CPU), frames keep coming:
 *      the median gap between requestAnimationFrame callbacks stays under 34 ms and none reaches 200 ms in
 *      2 s (generous bounds on a shared machine, where other test runs load both cores; `npm run bench --
 *      --only page` measures the 50 ms figure), and the step goes on;
 *   b. a checkpoint saved while it trains holds the worker's step then, not the page's last snapshot, with the
 *      optimizer's state; after a pause the page's sandbox is the worker's, optimizer included;
 *   c. where there is no `Worker`, the page trains in its own thread as before.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PyDict, loadCheckpoint } from '../../src/checkpoint/index.ts';
import { readGeneralCheckpoint } from '../../src/train/index.ts';
import { type BrowserSession, startBrowser } from './browser.ts';

interface PageApp {
  step: number;
  optimizer: { state: Map<unknown, unknown> };
}
type PageGlobals = { pthlab: { app: PageApp; ready?: boolean } };

const step = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).pthlab.app.step);

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as { pthlab?: { ready?: boolean } }).pthlab?.ready === true, {
    timeout: 120_000,
  });
}

/** Records the gaps between animation frames from now on (a string: no helper names from the bundler). */
const recordFrames = `(() => {
  const w = globalThis;
  w.__gaps = [];
  let last = performance.now();
  function tick(t) { w.__gaps.push(t - last); last = t; if (w.__gaps) requestAnimationFrame(tick); }
  requestAnimationFrame(tick);
})()`;

const readGaps = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __gaps: number[] }).__gaps.slice(1));

describe('the sandbox trains in a worker', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowser();
    page = await session.open('/?dataset=mnist&preset=cnn&seed=1');
    await page.setViewport({ width: 1366, height: 900 });
    await ready(page);
  }, 180_000);
  afterAll(async () => {
    await session?.close();
  });

  it('keeps drawing frames while the MNIST CNN trains on the CPU', async () => {
    expect(await page.$eval('#device-notice', (el) => (el as HTMLElement).dataset['kind'])).toBe('cpu');
    await page.click('#train');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).pthlab.app.step >= 2, {
      timeout: 120_000,
    });
    const before = await step(page);
    await page.evaluate(recordFrames);
    await new Promise((r) => setTimeout(r, 2000));
    const gaps = await readGaps(page);
    const after = await step(page);
    expect(after).toBeGreaterThan(before);
    expect(gaps.length).toBeGreaterThan(20);
    // One CNN step on the CPU takes 200-700 ms: trained on the page's thread, every step held a frame that long.
    const sorted = [...gaps].sort((a, b) => a - b);
    const seen = `gaps (ms): median ${sorted[sorted.length >> 1]?.toFixed(1)}, max ${sorted.at(-1)?.toFixed(1)}`;
    expect(sorted.at(-1), seen).toBeLessThan(200);
    expect(sorted[sorted.length >> 1], seen).toBeLessThan(34);
  }, 180_000);

  it("saves the worker's current step while training, and holds its whole state after a pause", async () => {
    const before = await step(page);
    const saved = await page.evaluate(async () => {
      const bar = document.querySelector('pth-checkpoint-bar') as unknown as {
        actions: { saveCheckpoint: () => Promise<{ fileName: string; bytes: Uint8Array }> };
      };
      const file = await bar.actions.saveCheckpoint();
      return { fileName: file.fileName, bytes: Array.from(file.bytes) };
    });
    const ck = readGeneralCheckpoint(loadCheckpoint(Uint8Array.from(saved.bytes)).value);
    expect(saved.fileName).toBe(`mnist_cnn_checkpoint_step${ck.step}.pth`);
    expect(ck.step).toBeGreaterThanOrEqual(before);
    expect(ck.step).toBeLessThanOrEqual(await step(page));
    const state = ck.optimizerStateDict?.get('state');
    expect(state instanceof PyDict && state.size > 0).toBe(true);
    // Training went on after the save; a pause brings the page's sandbox to the worker's state.
    await page.waitForFunction(
      (s: number) => (globalThis as unknown as PageGlobals).pthlab.app.step > s,
      { timeout: 120_000 },
      ck.step ?? 0,
    );
    await page.click('#pause');
    await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled);
    const paused = await page.evaluate(() => {
      const a = (globalThis as unknown as PageGlobals).pthlab.app;
      return { step: a.step, moments: a.optimizer.state.size };
    });
    expect(paused.step).toBeGreaterThan(ck.step ?? 0);
    expect(paused.moments).toBe(state instanceof PyDict ? state.size : -1);
    const shown = await page.$$eval('.numbers dd', (dds) => dds.map((d) => d.textContent));
    expect(Number(shown[1])).toBe(paused.step);
  }, 180_000);

  it('trains in its own thread where there is no Worker', async () => {
    const plain = await session.browser.newPage();
    await plain.evaluateOnNewDocument(() => {
      delete (globalThis as { Worker?: unknown }).Worker;
    });
    await plain.goto(`${session.baseUrl}/?dataset=spirals&preset=mlp&seed=1`);
    await ready(plain);
    expect(await plain.evaluate(() => typeof Worker)).toBe('undefined');
    await plain.click('#train');
    await plain.waitForFunction(() => (globalThis as unknown as PageGlobals).pthlab.app.step >= 50, {
      timeout: 60_000,
    });
    await plain.click('#pause');
    await plain.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled);
    expect(
      await plain.evaluate(() => (globalThis as unknown as PageGlobals).pthlab.app.optimizer.state.size),
    ).toBe(4);
    await plain.close();
  }, 120_000);
});
