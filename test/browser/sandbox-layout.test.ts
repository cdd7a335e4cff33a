/**
 * The sandbox a class can watch (issue 15), in headless Chromium: the first 1366x768 screen holds the play
 * button, the big numbers, the decision map, the loss chart and the network picture; a 390x844 phone never
 * scrolls sideways and shows the play bar and the map first; learning rate and batch size change live (the
 * optimizer's state kept); a change of data resets with an Undo; "k" plays and pauses; a skip link leads to
 * the training; axe-core finds no serious or critical violation. Screenshots: test-artifacts/sandbox-1366.png,
 * sandbox-390.png, sandbox-mnist-390.png.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, startBrowser } from './browser.ts';

const artifacts = join(process.cwd(), 'test-artifacts');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface PageGlobals {
  pthlab: {
    ready?: boolean;
    app: {
      step: number;
      setup: { dataset: string; lr: number; batch: number };
      optimizer: { paramGroups: { lr: number }[]; state: Map<unknown, unknown> };
    };
  };
}

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).pthlab?.ready === true, {
    timeout: 120_000,
  });
}

const app = <T>(page: Page, read: (a: PageGlobals['pthlab']['app']) => T) =>
  page.evaluate(
    (body: string) =>
      new Function('a', `return (${body})(a)`)((globalThis as unknown as PageGlobals).pthlab.app) as T,
    read.toString(),
  );

/** Boxes of the first screen's parts, in page coordinates. */
function boxes(page: Page) {
  return page.evaluate(() => {
    const box = (selector: string) => {
      const r = document.querySelector(selector)?.getBoundingClientRect();
      return r === undefined
        ? null
        : { top: r.top + scrollY, bottom: r.bottom + scrollY, right: r.right, width: r.width };
    };
    return {
      train: box('#train'),
      numbers: box('.numbers'),
      map: box('pth-decision-map'),
      chart: box('pth-loss-chart'),
      network: box('pth-network'),
    };
  });
}

async function serious(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
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
  return result;
}

const noSidewaysScroll = (page: Page) =>
  page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth }));

describe('the sandbox at 1366x768', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowser();
    page = await session.open('/?dataset=spirals&preset=mlp&optim=adam&lr=0.03&seed=1');
    await page.setViewport({ width: 1366, height: 768 });
    await ready(page);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('holds the play button, the numbers, the map, the loss chart and the network on the first screen', async () => {
    const b = await boxes(page);
    for (const [name, r] of Object.entries(b)) {
      expect(r, name).not.toBeNull();
      expect(r?.bottom, name).toBeLessThanOrEqual(768);
      expect(r?.right, name).toBeLessThanOrEqual(1366);
      expect(r?.width, name).toBeGreaterThan(40);
    }
    const labels = await page.$$eval('.numbers dt', (dts) => dts.map((d) => d.textContent));
    expect(labels).toEqual(['Epoch', 'Step', 'Train loss', 'Test loss', 'Test accuracy']);
    const caption = await page.$eval('pth-network >>> figcaption', (el) => el.textContent ?? '');
    expect(caption.replace(/\s+/g, ' ')).toMatch(
      /^\s*2 inputs → Linear 16 \(ReLU\) → Linear 3\. Edges: blue positive, orange negative weights\. Each unit shows its activation over the plane\./,
    );
    // Edges and unit maps are drawn: 2*16 + 10*3 edges (ten of 16 units shown), 2 + 10 + 3 maps.
    expect(await page.$$eval('pth-network >>> line', (l) => l.length)).toBe(2 * 10 + 10 * 3);
    expect(await page.$$eval('pth-network >>> image', (l) => l.length)).toBe(2 + 10 + 3);
  });

  it('axe-core finds no serious or critical violation', async () => {
    expect(await serious(page)).toEqual([]);
  });

  it('plays and pauses with "k"; a skip link leads to the training', async () => {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => location.hash)).toBe('#stage');
    await page.keyboard.press('k');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).pthlab.app.step >= 30, {
      timeout: 120_000,
    });
    // The live region speaks at milestones only (every 500 steps), not at each frame or refresh.
    for (let i = 0; i < 5; i++) {
      const said = await page.$eval('pth-status >>> [role=status]', (el) => el.textContent ?? '');
      expect(Number(/^step (\d+)/.exec(said)?.[1]) % 500, said).toBe(0);
      await new Promise((r) => setTimeout(r, 150));
    }
    // Changed while training: the optimizer takes it at its next step, its moments kept, the URL says it.
    await page.focus('#setup input[name=lr]');
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.type('0.003');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.search.includes('lr=0.003'));
    const before = await app(page, (a) => a.step);
    await page.waitForFunction(
      (s: number) => (globalThis as unknown as PageGlobals).pthlab.app.step >= s + 10,
      { timeout: 120_000 },
      before,
    );
    await page.focus('#stage'); // Train is disabled while training: "k" works from anywhere but a field
    await page.keyboard.press('k');
    await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled);
    const after = await app(page, (a) => ({
      step: a.step,
      lr: a.optimizer.paramGroups[0]?.lr,
      moments: a.optimizer.state.size,
    }));
    expect(after.lr).toBe(0.003);
    expect(after.moments).toBe(4);
    expect(after.step).toBeGreaterThanOrEqual(before + 10); // not reset
    const numbers = await page.$$eval('.numbers dd', (dds) => dds.map((d) => d.textContent));
    expect(Number(numbers[1])).toBe(after.step);
    expect(numbers[2]).toMatch(/^[\d.]+$/);
    expect(numbers[4]).toMatch(/^[\d.]+%$/);
    await page.screenshot({ path: join(artifacts, 'sandbox-1366.png') });
  });

  it('resets on a change of data, with an Undo that brings the run back', async () => {
    const step = await app(page, (a) => a.step);
    await page.select('#setup select[name=dataset]', 'moons');
    await page.click('#setup button[type=submit]');
    await page.waitForFunction(() => location.search.includes('dataset=moons'));
    await page.waitForFunction(() => !(document.getElementById('undo') as HTMLButtonElement).hidden);
    expect(await app(page, (a) => a.step)).toBe(0);
    await page.click('#undo');
    await page.waitForFunction(
      (s: number) => {
        const a = (globalThis as unknown as PageGlobals).pthlab.app;
        return a.setup.dataset === 'spirals' && a.step === s;
      },
      { timeout: 60_000 },
      step,
    );
    expect(await app(page, (a) => a.setup.lr)).toBe(0.003);
  });

  it('shows the fitted curve over the sine data on the first screen', async () => {
    const sine = await session.open('/?dataset=sine&preset=deep&lr=0.01');
    await sine.setViewport({ width: 1366, height: 768 });
    await ready(sine);
    expect(await sine.$eval('#map-section', (el) => (el as HTMLElement).hidden)).toBe(true);
    await sine.click('#step');
    await sine.waitForFunction(() =>
      document.querySelector('pth-fit-curve')?.shadowRoot?.textContent?.includes('mean squared error'),
    );
    const box = await sine.$eval('pth-fit-curve', (el) => el.getBoundingClientRect().bottom);
    expect(box).toBeLessThanOrEqual(768);
    expect(await sine.$eval('#n-test-accuracy-box', (el) => (el as HTMLElement).hidden)).toBe(true);
    await sine.screenshot({ path: join(artifacts, 'sandbox-sine-1366.png') });
    await sine.close();
  });

  it('logged no console errors', () => {
    expect(session.errors).toEqual([]);
  });
});

describe('the sandbox on a 390x844 phone', () => {
  let session: BrowserSession;

  beforeAll(async () => {
    session = await startBrowser();
  });
  afterAll(async () => {
    await session?.close();
  });

  for (const [dataset, shot] of [
    ['spirals', 'sandbox-390.png'],
    ['mnist', 'sandbox-mnist-390.png'],
  ] as const) {
    it(`never scrolls sideways on ${dataset}, and shows the play bar first`, async () => {
      const page = await session.open(`/?dataset=${dataset}`);
      await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
      await page.reload({ waitUntil: 'load' }); // laid out as a phone from the start
      await ready(page);
      await page.click('#step');
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).pthlab.app.step === 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(await noSidewaysScroll(page)).toEqual({ scroll: 390, width: 390 });
      const b = await boxes(page);
      expect(b.train?.bottom).toBeLessThan(844);
      if (dataset === 'spirals') expect(b.map?.bottom).toBeLessThanOrEqual(844);
      await page.screenshot({ path: join(artifacts, shot) });
      await page.screenshot({ path: join(artifacts, shot.replace('.png', '-full.png')), fullPage: true });
      expect(await serious(page)).toEqual([]);
      if (dataset === 'mnist') {
        // The first layer as 28x28 tiles, no wider than the panel; Clear takes the reading away.
        const caption = await page.$eval('pth-weights >>> figcaption', (el) => el.textContent ?? '');
        expect(caption.replace(/\s+/g, ' ').trim()).toBe(
          '16 tiles of 28 × 28, one per output unit, blue < 0 < red',
        );
        expect(
          await page.$eval('pth-weights >>> canvas.heatmap', (c) => c.getBoundingClientRect().width),
        ).toBeLessThanOrEqual(322);
        await page.evaluate(() => {
          (document.getElementById('prediction') as HTMLElement).textContent = 'The model reads 7.';
          document.querySelector('pth-draw-pad')?.clear();
        });
        expect(await page.$eval('#prediction', (el) => el.textContent)).toBe('');
      }
      await page.close();
    });
  }

  it('logged no console errors', () => {
    expect(session.errors).toEqual([]);
  });
});
