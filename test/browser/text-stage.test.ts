/**
 * The sandbox page's text mode (issues 14 and 15), in headless Chromium: `/?dataset=text&preset=gpt-tiny`
 * shows the text trainer in place of the 2-D stage, its first 1366x768 screen holding the Train button, the
 * loss chart, a sample, one attention heatmap per head and the GPT drawn as its n_layer blocks; the Model
 * picker lists the GPT presets; it trains a few steps, its learning rate changes live; a ckpt.pt and meta.pkl
 * dropped on the page go to the text trainer; Reset starts over; back to spirals the usual stage returns; a
 * 390x844 phone never scrolls sideways; axe-core finds nothing serious or critical.
 * Screenshots: test-artifacts/sandbox-text-1366.png, sandbox-text-390.png (and -full).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, startBrowser } from './browser.ts';

const artifacts = join(process.cwd(), 'test-artifacts');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const trainer = 'pth-text-trainer';

interface TextTrainerView {
  sample: string;
  sampleStep: number | undefined;
  maps: unknown;
  step: number;
  shadowRoot: ShadowRoot;
  message: string;
  pause(): Promise<void>;
  inspect(): Promise<{ lr: number[] }>;
  saveFiles(): Promise<{ ckpt: Uint8Array; meta: Uint8Array }>;
  evaluate(batches: number): Promise<number>;
  chartPoints(): unknown[];
}

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const t = document.querySelector('pth-text-trainer') as unknown as TextTrainerView | null;
      return (t?.sample ?? '').length > 0 && t?.maps !== undefined;
    },
    { timeout: 120_000 },
  );
}

async function serious(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }>;
        };
      }
    ).axe;
    return (await axe.run()).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

/** The bottom and right edges of the first screen's parts, in page coordinates. */
function boxes(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('pth-text-trainer')?.shadowRoot;
    const box = (el: Element | null | undefined) => {
      const r = el?.getBoundingClientRect();
      return r === undefined ? null : { bottom: r.bottom + scrollY, right: r.right, width: r.width };
    };
    return {
      train: box(root?.querySelector('button.train')),
      chart: box(root?.querySelector('pth-loss-chart')),
      sample: box(root?.querySelector('pth-samples')),
      attention: box(root?.querySelector('pth-attention')),
      network: box(root?.querySelector('pth-network')),
    };
  });
}

describe('the sandbox page with dataset=text at 1366x768', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    session = await startBrowser();
    page = await session.open('/?dataset=text&preset=gpt-tiny');
    await page.setViewport({ width: 1366, height: 768 });
    await ready(page);
  }, 180_000);
  afterAll(async () => {
    await session?.close();
  });

  it('shows the text trainer in place of the stage, the GPT presets in the Model picker', async () => {
    expect(await page.$eval('#text-section', (el) => (el as HTMLElement).hidden)).toBe(false);
    expect(await page.$eval('.views', (el) => getComputedStyle(el).display)).toBe('none');
    expect(await page.$eval('#train', (el) => getComputedStyle(el).display)).not.toBe('inline-block');
    const presets = await page.$$eval('#setup select[name=preset] option', (os) =>
      os.map((o) => (o as HTMLOptionElement).value),
    );
    expect(presets).toEqual(['gpt-tiny', 'gpt-baby']);
    expect(await page.$eval('#setup select[name=dataset]', (s) => (s as HTMLSelectElement).value)).toBe(
      'text',
    );
    expect(await page.evaluate(() => location.search)).toBe(
      '?dataset=text&preset=gpt-tiny&optim=adamw&lr=0.003&wd=0.1&seed=1&batch=16',
    );
    // One heatmap per head, the GPT as its two blocks with its sizes, and a text equivalent.
    expect(await page.$$eval(`${trainer} >>> pth-attention >>> canvas`, (c) => c.length)).toBe(2);
    expect(await page.$$eval(`${trainer} >>> pth-network >>> .block`, (b) => b.length)).toBe(2);
    const label = await page.$eval(
      `${trainer} >>> pth-network >>> [role=img]`,
      (el) => el.getAttribute('aria-label') ?? '',
    );
    expect(label).toMatch(
      /^Network: GPT of [\d.]+k parameters: token embedding wte \(\d+ characters × 64\) \+ position embedding wpe \(32 positions × 64\) → 2 blocks, each: ln_1 → causal self-attention \(2 heads of 32\) → \+ residual, ln_2 → MLP 64 → 256 \(GELU\) → 64 → \+ residual → ln_f → lm_head \(64 → \d+ logits, its weight tied to wte\)$/,
    );
    const b = await boxes(page);
    for (const [name, r] of Object.entries(b)) {
      expect(r, name).not.toBeNull();
      expect(r?.bottom, name).toBeLessThanOrEqual(768);
      expect(r?.right, name).toBeLessThanOrEqual(1366);
      expect(r?.width, name).toBeGreaterThan(40);
    }
  });

  it('trains a few steps with "k", its learning rate live, and axe-core finds nothing serious', async () => {
    await page.focus('#stage');
    await page.keyboard.press('k');
    await page.waitForFunction(
      () => (document.querySelector('pth-text-trainer') as unknown as TextTrainerView).step >= 3,
      { timeout: 120_000 },
    );
    await page.focus('#setup input[name=lr]');
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.type('0.002');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.search.includes('lr=0.002'));
    await page.focus('#stage');
    await page.keyboard.press('k');
    // The training worker's pause lands after the step in flight; then its optimizer is read.
    const lr = await page.$eval(trainer, async (t) => {
      const view = t as unknown as TextTrainerView;
      await view.pause();
      return (await view.inspect()).lr[0];
    });
    expect(lr).toBe(0.002);
    const points = await page.$eval(`${trainer} >>> pth-loss-chart`, (c) => c.points);
    expect(points.filter((p) => p.trainLoss !== undefined).length).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: join(artifacts, 'sandbox-text-1366.png') });
    expect(await serious(page)).toEqual([]);
  });

  it('gives a ckpt.pt and meta.pkl dropped anywhere on the page to the text trainer', async () => {
    const step = await page.$eval(trainer, (t) => (t as unknown as TextTrainerView).step);
    const message = await page.evaluate(async () => {
      const t = document.querySelector('pth-text-trainer') as unknown as TextTrainerView;
      const { ckpt, meta } = await t.saveFiles();
      const files = new DataTransfer();
      files.items.add(new File([ckpt as BlobPart], 'ckpt.pt'));
      files.items.add(new File([meta as BlobPart], 'meta.pkl'));
      const drop = new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true });
      document.getElementById('h-text')?.dispatchEvent(drop);
      for (let i = 0; i < 200 && !t.message.startsWith('opened'); i++)
        await new Promise((r) => setTimeout(r, 100));
      return t.message;
    });
    expect(message).toBe(`opened ckpt.pt with meta.pkl at step ${step}`);
  });

  it('keeps the trained GPT behind an Undo when a new seed replaces it; Undo brings it back', async () => {
    const before = await page.$eval(trainer, async (t) => {
      const view = t as unknown as TextTrainerView;
      await view.pause();
      return { step: view.step, loss: await view.evaluate(2), points: view.chartPoints() };
    });
    expect(before.step).toBeGreaterThan(0);
    await page.$eval('#setup input[name=seed]', (input) => ((input as HTMLInputElement).value = '2'));
    await page.click('#setup button[type=submit]');
    await page.waitForFunction(() => location.search.includes('seed=2'));
    await ready(page);
    expect(await page.$eval(trainer, (t) => (t as unknown as TextTrainerView).step)).toBe(0);
    const undo = '#text-section button.text-undo';
    expect(
      await page.$eval(undo, (b) => ({ hidden: (b as HTMLElement).hidden, text: b.textContent })),
    ).toEqual({ hidden: false, text: `Undo (back to gpt-tiny at step ${before.step})` });
    await page.click(undo);
    await page.waitForFunction(
      (step) => {
        const t = document.querySelector('pth-text-trainer') as unknown as TextTrainerView | null;
        return t?.step === step && t.message === `back to step ${step}`;
      },
      { timeout: 60_000 },
      before.step,
    );
    expect(await page.evaluate(() => location.search)).toContain('&seed=1&');
    const after = await page.$eval(trainer, async (t) => {
      const view = t as unknown as TextTrainerView;
      return { loss: await view.evaluate(2), points: view.chartPoints() };
    });
    // The same weights on the same validation batches, and the same chart.
    expect(after).toEqual({ loss: before.loss, points: before.points });
    expect(await page.$eval(undo, (b) => (b as HTMLElement).hidden)).toBe(true);
  });

  it('starts over with Reset: step 0, the chart cleared, a sample of the fresh model', async () => {
    await page.evaluate(() => {
      const root = document.querySelector('pth-text-trainer')?.shadowRoot;
      const reset = [...(root?.querySelectorAll('button') ?? [])].find(
        (b) => b.textContent?.trim() === 'Reset',
      );
      reset?.click();
    });
    await page.waitForFunction(
      () => {
        const t = document.querySelector('pth-text-trainer') as unknown as TextTrainerView;
        return t.step === 0 && t.sampleStep === 0 && t.maps !== undefined;
      },
      { timeout: 60_000 },
    );
    const points = await page.$eval(`${trainer} >>> pth-loss-chart`, (c) => c.points);
    expect(points.map((p) => [p.step, p.trainLoss, p.heldOutLoss !== undefined])).toEqual([
      [0, undefined, true],
    ]);
    expect(await page.$eval(`${trainer} >>> pth-status >>> [role=status]`, (s) => s.textContent)).toMatch(
      /^step 0 · loss —/,
    );
  });

  it('goes back to the usual stage when the dataset is spirals again', async () => {
    await page.select('#setup select[name=dataset]', 'spirals');
    await page.click('#setup button[type=submit]');
    await page.waitForFunction(() => location.search.startsWith('?dataset=spirals&preset=mlp&optim=adam'));
    await page.waitForFunction(() => document.querySelector('pth-decision-map') !== null);
    expect(await page.$(trainer)).toBeNull();
    expect(await page.$eval('#text-section', (el) => (el as HTMLElement).hidden)).toBe(true);
    expect(await page.$eval('.views', (el) => getComputedStyle(el).display)).toBe('grid');
    expect(await page.$eval('#map-section', (el) => (el as HTMLElement).hidden)).toBe(false);
    const presets = await page.$$eval('#setup select[name=preset] option', (os) =>
      os.map((o) => (o as HTMLOptionElement).value),
    );
    expect(presets).toEqual(['linear', 'mlp', 'deep', 'cnn']);
    await page.click('#step');
    await page.waitForFunction(() => document.getElementById('n-step')?.textContent === '1');
    expect(await page.$eval('#problems', (el) => el.textContent)).toBe('');
  });

  it('trains on the page thread where there is no Worker', async () => {
    const plain = await session.browser.newPage();
    await plain.evaluateOnNewDocument(() => {
      delete (globalThis as { Worker?: unknown }).Worker;
    });
    await plain.goto(`${session.baseUrl}/?dataset=text&preset=gpt-tiny&seed=1`);
    await ready(plain);
    expect(await plain.evaluate(() => typeof Worker)).toBe('undefined');
    await plain.$eval(trainer, (t) => t.toggle());
    await plain.waitForFunction(
      () => (document.querySelector('pth-text-trainer') as unknown as TextTrainerView).step >= 2,
      { timeout: 120_000 },
    );
    const lr = await plain.$eval(trainer, async (t) => {
      t.toggle();
      await t.pause();
      return (await t.inspect()).lr[0];
    });
    expect(lr).toBe(0.003);
    await plain.close();
  }, 180_000);

  it('logged no console errors', () => {
    expect(session.errors).toEqual([]);
  });
});

describe('the sandbox page with dataset=text on a 390x844 phone', () => {
  let session: BrowserSession;

  beforeAll(async () => {
    session = await startBrowser();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('never scrolls sideways and shows the Train button first; axe-core finds nothing serious', async () => {
    const page = await session.open('/?dataset=text&preset=gpt-tiny');
    await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
    await page.reload({ waitUntil: 'load' });
    await ready(page);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth })),
    ).toEqual({ scroll: 390, width: 390 });
    const b = await boxes(page);
    expect(b.train?.bottom).toBeLessThan(844);
    for (const [name, r] of Object.entries(b)) expect(r?.right, name).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(artifacts, 'sandbox-text-390.png') });
    await page.screenshot({ path: join(artifacts, 'sandbox-text-390-full.png'), fullPage: true });
    expect(await serious(page)).toEqual([]);
    await page.close();
  });

  it('logged no console errors', () => {
    expect(session.errors).toEqual([]);
  });
});
