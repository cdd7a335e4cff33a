/**
 * The sandbox page (index.html) end to end in headless Chromium: the setup comes from the URL (bad values
 * reported), Step and Train/Pause drive src/train's Trainer and the views follow, "Save checkpoint" downloads
 * a general checkpoint that readGeneralCheckpoint opens, a reload restores the autosave, everything is
 * keyboard-driven, the MNIST draw pad resizes with the WGSL kernel (as its TypeScript twin does), and there
 * are no console errors. Screenshot: test-artifacts/app.png.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/checkpoint/index.ts';
import { readGeneralCheckpoint } from '../../src/train/index.ts';
import { defaultSetup, parseSetup } from '../../src/train/setup.ts';
import { type BrowserSession, allowDownloads, saveFromMenu, startBrowser } from './browser.ts';

const artifacts = join(process.cwd(), 'test-artifacts');
const downloads = join(artifacts, 'app-downloads');

const statusText = (page: Page) => page.$eval('pth-status >>> [role=status]', (el) => el.textContent ?? '');
const stepOf = async (page: Page) => Number(/^step (\d+)/.exec(await statusText(page))?.[1]);

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as { pthlab?: { ready?: boolean } }).pthlab?.ready === true, {
    timeout: 60_000,
  });
}

describe('the sandbox page', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    rmSync(downloads, { recursive: true, force: true });
    mkdirSync(downloads, { recursive: true });
    session = await startBrowser();
    page = await session.open('/?dataset=moons&preset=mlp&optim=adam&lr=0.05&seed=2&bogus=1');
    await page.setViewport({ width: 1200, height: 900 });
    await allowDownloads(page, downloads);
    await ready(page);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('takes its setup from the URL and reports what it ignored', async () => {
    const values = await page.$$eval('#setup select, #setup input', (els) =>
      els.map((el) => (el as HTMLInputElement).value),
    );
    expect(values).toEqual(['moons', 'mlp', 'adam', '0.05', '0', '32', '2']);
    expect(await page.$eval('#problems', (el) => el.textContent)).toContain("'bogus' is not a setting");
    expect(page.url()).toContain(
      '?dataset=moons&preset=mlp&optim=adam&lr=0.05&wd=0&seed=2&batch=32&noise=0.1&n=300',
    );
    expect(await statusText(page)).toMatch(/^step 0 · loss [\d.]+ · accuracy [\d.]+%$/);
  });

  it('copies the link to this exact setup to the clipboard', async () => {
    await session.browser
      .defaultBrowserContext()
      .overridePermissions(session.baseUrl, [
        'clipboard-read',
        'clipboard-write',
        'clipboard-sanitized-write',
      ]);
    await page.evaluate(() => navigator.clipboard.writeText('not yet'));
    await page.focus('#copy-link');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('link-note')?.textContent !== '');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(page.url());
    expect(parseSetup(new URL(copied).search)).toEqual({
      setup: { ...defaultSetup, dataset: 'moons', lr: 0.05, seed: 2 },
      problems: [],
    });
    expect(await page.$eval('#link-note', (el) => el.textContent)).toBe(
      `Copied the link to this setup: ${copied}`,
    );
  });

  it('says which device trains: SwiftShader is WebGPU in software, so the CPU backend, with a notice', async () => {
    const notice = await page.$eval('#device-notice', (el) => ({
      text: el.textContent ?? '',
      kind: (el as HTMLElement).dataset['kind'],
    }));
    expect(notice.kind).toBe('cpu');
    expect(notice.text).toMatch(/software|CPU/i);
  });

  it('steps, trains and pauses from the keyboard; the views follow', async () => {
    await page.focus('#step');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      document.querySelector('pth-status')?.shadowRoot?.textContent?.startsWith('step 1 '),
    );
    await page.focus('#train');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        Number(/step (\d+)/.exec(document.querySelector('pth-status')?.shadowRoot?.textContent ?? '')?.[1]) >=
        60,
      { timeout: 120_000 },
    );
    // Train moved focus to Pause.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('pause');
    await page.keyboard.press('Enter');
    // The steps run in a worker: the pause is said once the worker has stopped and the page holds its state.
    await page.waitForFunction(() =>
      document
        .querySelector('pth-status')
        ?.shadowRoot?.querySelector('[role=status]')
        ?.textContent?.endsWith(' · paused'),
    );
    const paused = await stepOf(page);
    await new Promise((r) => setTimeout(r, 300));
    expect(await stepOf(page)).toBe(paused);
    expect(await statusText(page)).toMatch(/ · paused$/);
    const chart = await page.$eval('pth-loss-chart >>> figcaption', (el) => el.textContent ?? '');
    // Fast enough (1000+ steps/s) that the losses may be printed in exponent form by the pause.
    expect(chart).toMatch(/^Step \d+: train loss [\d.e+-]+, held-out loss [\d.e+-]+, accuracy [\d.]+%\.$/);
    await page.screenshot({ path: join(artifacts, 'app-trained.png'), fullPage: true });
    const shares = await page.$$eval('pth-decision-map >>> tbody td:last-child', (tds) => tds.length);
    expect(shares).toBe(2);
  });

  it('saves a general checkpoint that readGeneralCheckpoint opens', async () => {
    const step = await stepOf(page);
    await saveFromMenu(page, 'Save checkpoint');
    const name = `moons_mlp_checkpoint_step${step}.pth`;
    for (let i = 0; i < 100 && !existsSync(join(downloads, name)); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(downloads)).toContain(name);
    const ck = readGeneralCheckpoint(
      loadCheckpoint(new Uint8Array(readFileSync(join(downloads, name)))).value,
    );
    expect(ck.step).toBe(step);
    expect(ck.arch).toEqual({
      type: 'Sequential',
      layers: [
        { type: 'Linear', in_features: 2, out_features: 16 },
        { type: 'ReLU' },
        { type: 'Linear', in_features: 16, out_features: 2 },
      ],
    });
    expect(ck.run).toEqual({
      optimizer: 'adam',
      lossFn: 'cross_entropy',
      batchSize: 32,
      seed: 2,
      shuffle: true,
      // The generated data, which the tools page scores the file on.
      data: { dataset: 'moons', n: 300, noise: 0.1, seed: 2 },
    });
  });

  it('restores the autosave after a reload', async () => {
    const step = await stepOf(page);
    await page.reload({ waitUntil: 'load' });
    await ready(page);
    expect(await statusText(page)).toMatch(
      new RegExp(`^step ${step} · .* · restored the autosave of step ${step}$`),
    );
    await page.screenshot({ path: join(artifacts, 'app.png'), fullPage: true });
  });

  it('logged no console errors', () => {
    expect(session.errors).toEqual([]);
  });
});

describe('examples/embed.html', () => {
  it('runs <pth-trainer> in a plain page and trains', async () => {
    const session = await startBrowser();
    try {
      const page = await session.open('/examples/embed.html');
      await page.waitForFunction(
        () =>
          document
            .querySelector('pth-trainer')
            ?.shadowRoot?.querySelector('pth-decision-map')
            ?.shadowRoot?.textContent?.includes('shaded by the predicted class'),
        { timeout: 60_000 },
      );
      await page.click('pth-trainer >>> .train');
      await page.waitForFunction(
        () =>
          Number(
            /^step (\d+)/.exec(
              document.querySelector('pth-trainer')?.shadowRoot?.querySelector('pth-status')?.shadowRoot
                ?.textContent ?? '',
            )?.[1],
          ) >= 200,
        { timeout: 120_000 },
      );
      await page.click('pth-trainer >>> .pause');
      await page.screenshot({ path: join(artifacts, 'embed.png'), fullPage: true });
      expect(session.errors).toEqual([]);
    } finally {
      await session.close();
    }
  });
});

describe('MNIST in the sandbox', () => {
  it('loads the digits through Vite, without network, and reads a digit resized by the WGSL kernel', async () => {
    const session = await startBrowser();
    try {
      const page = await session.open('/?dataset=mnist&preset=mlp&seed=3');
      await ready(page);
      expect(await page.$eval('pth-model-summary >>> caption', (el) => el.textContent?.trim())).toBe(
        'Model summary for input (1, 1, 28, 28)',
      );
      const rows = await page.evaluate(() => {
        const app = (globalThis as unknown as { pthlab: { app: { data: { n: number; features: number } } } })
          .pthlab.app;
        return [app.data.n, app.data.features];
      });
      expect(rows).toEqual([1000, 784]);
      expect(await page.$eval('#map-section', (el) => (el as HTMLElement).hidden)).toBe(true);
      const pad = await page.waitForSelector('pth-draw-pad >>> canvas.ink');
      await pad?.focus();
      await page.keyboard.press('Space');
      for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowDown');
      await page.waitForFunction(() =>
        /^The model reads \d\.$/.test(document.querySelector('#prediction')?.textContent ?? ''),
      );
      // The app trains on the CPU here (SwiftShader), yet the pad resized on WebGPU: its own SwiftShader device.
      const resized = await page.evaluate(async () => {
        const el = document.querySelector('pth-draw-pad')!;
        const gpu = await el.readMnist();
        return { on: el.resizedOn, gpu: Array.from(gpu), twin: Array.from(el.toMnist()) };
      });
      expect(resized.on).toBe('webgpu');
      expect(await page.$eval('pth-draw-pad >>> .resized', (el) => el.textContent)).toBe(
        'Resized to 28 by 28 on WebGPU.',
      );
      expect(resized.gpu).toHaveLength(784);
      expect(Math.max(...resized.twin)).toBeGreaterThan(0.9);
      resized.twin.forEach((want, i) => {
        const got = resized.gpu[i] as number;
        expect(Math.abs(got - want), `pixel ${i}: ${got} vs ${want}`).toBeLessThanOrEqual(
          1e-6 + 1e-5 * Math.abs(want),
        );
      });
      await page.screenshot({ path: join(artifacts, 'app-mnist.png'), fullPage: true });
      expect(session.errors).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
