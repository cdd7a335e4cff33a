/**
 * The sandbox a class can watch (issue 15), in headless Chromium: the first 1366x768 screen holds the play
 * button, the big numbers, the decision map, the loss chart and the network picture; a 390x844 phone never
 * scrolls sideways and shows the play bar and the map first; learning rate and batch size change live (the
 * optimizer's state kept); a change of data resets with an Undo; "k" plays and pauses; a skip link leads to
 * the training; axe-core finds no serious or critical violation. Screenshots: test-artifacts/sandbox-1366.png,
 * sandbox-390.png, sandbox-mnist-390.png.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, startBrowser } from './browser.ts';
import { seriousViolations } from './axe.ts';

const artifacts = join(process.cwd(), 'test-artifacts');

interface PageGlobals {
  pthlab: {
    ready?: boolean;
    app: {
      step: number;
      setup: { dataset: string; lr: number; batch: number };
      data: { n: number; features: number; classes?: number };
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
    expect(await page.$eval('pth-network >>> canvas.maps', (c) => (c as HTMLElement).dataset['units'])).toBe(
      String(2 + 10 + 3),
    );
  });

  it('axe-core finds no serious or critical violation', async () => {
    expect(await seriousViolations(page)).toEqual([]);
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
    // The live region speaks at milestones only (the first refresh at or after step 100, 200, 500, 1000, ...),
    // not at each frame or refresh: between two different steps it announces, a milestone lies.
    const said: number[] = [];
    for (let i = 0; i < 6; i++) {
      const text = await page.$eval('pth-status >>> [role=status]', (el) => el.textContent ?? '');
      said.push(Number(/^step (\d+)/.exec(text)?.[1]));
      await new Promise((r) => setTimeout(r, 100));
    }
    const milestoneIn = (a: number, b: number) =>
      [100, 200, 500, 1000, 2000, 5000, 10000, 20000].some((m) => a < m && m <= b);
    for (let i = 1; i < said.length; i++)
      if (said[i] !== said[i - 1])
        expect(milestoneIn(said[i - 1] as number, said[i] as number), `${said}`).toBe(true);
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
    // The chart's steps are in order: its per-batch line has no gaps where a held-out point came early.
    const steps = await page.$eval('pth-loss-chart', (c) =>
      (c as unknown as { points: { step: number }[] }).points.map((p) => p.step),
    );
    expect(steps.length).toBeGreaterThan(10);
    expect(steps.every((s, i) => i === 0 || s > (steps[i - 1] as number))).toBe(true);
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

  it("trains on a CSV of one's own, says in one line why a bad one is refused, and keeps it over a reload", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pthlab-csv-'));
    const rows = Array.from({ length: 40 }, (_, i) => {
      const label = i % 2;
      return `${(label * 2 - 1 + (i % 7) / 10).toFixed(2)},${((i % 5) / 5 - 0.5).toFixed(2)},${label}`;
    });
    writeFileSync(join(dir, 'points.csv'), `x1,x2,label\n${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'bad.csv'), 'x1,x2,label\n1,2,0\n1,oops,1\n');
    const input = (await page.$('input#csv-file')) as ElementHandle<HTMLInputElement> | null;
    await input?.uploadFile(join(dir, 'points.csv'));
    await page.waitForFunction(() => location.search.includes('dataset=csv'), { timeout: 60_000 });
    expect(await app(page, (a) => [a.data.n, a.data.features, a.data.classes])).toEqual([40, 2, 2]);
    expect(await page.$eval('#map-section', (el) => (el as HTMLElement).hidden)).toBe(false);
    expect(await page.$eval('#setup select[name=dataset]', (el) => (el as HTMLSelectElement).value)).toBe(
      'csv',
    );
    await input?.uploadFile(join(dir, 'bad.csv'));
    await page.waitForFunction(() => document.getElementById('problems')?.textContent !== '');
    expect(await page.$eval('#problems', (el) => el.textContent)).toMatch(/^bad\.csv: line 3/);
    expect(await app(page, (a) => a.data.n)).toBe(40);
    await page.reload({ waitUntil: 'load' });
    await ready(page);
    expect(await app(page, (a) => [a.setup.dataset, a.data.n])).toEqual(['csv', 40]);
  });

  it('keeps the log scale across a reload, and hints when the default model stalls', async () => {
    const hinted = await session.open('/?dataset=spirals&preset=mlp&optim=adam&lr=0.01&seed=1');
    await hinted.setViewport({ width: 1366, height: 768 });
    await ready(hinted);
    await hinted.click('pth-loss-chart >>> input[type=checkbox]');
    await hinted.reload({ waitUntil: 'load' });
    await ready(hinted);
    expect(
      await hinted.$eval('pth-loss-chart', (c) => (c as unknown as { logScale: boolean }).logScale),
    ).toBe(true);
    expect(
      await hinted.$eval('pth-loss-chart >>> input[type=checkbox]', (c) => (c as HTMLInputElement).checked),
    ).toBe(true);
    await hinted.click('pth-loss-chart >>> input[type=checkbox]'); // back to linear for the other pages
    await hinted.click('#train');
    await hinted.waitForFunction(() => (globalThis as unknown as PageGlobals).pthlab.app.step >= 1600, {
      timeout: 120_000,
    });
    await hinted.waitForFunction(() => document.getElementById('hint')?.textContent !== '', {
      timeout: 30_000,
    });
    await hinted.click('#pause');
    expect(await hinted.$eval('#hint', (el) => el.textContent)).toMatch(
      /^Test accuracy is stuck near [\d.]+%: this model is too small for spirals\. Try the Deep MLP/,
    );
    await hinted.close();
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
    // A regression has no accuracy: neither its box among the numbers nor an axis on the chart shows.
    expect(await sine.$eval('#n-test-accuracy-box', (el) => getComputedStyle(el).display)).toBe('none');
    expect(await sine.$eval('pth-loss-chart', (el) => el.shadowRoot?.textContent ?? '')).not.toMatch(
      /accuracy/,
    );
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
      expect(await seriousViolations(page)).toEqual([]);
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
