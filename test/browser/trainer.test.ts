/**
 * `<pth-trainer>` in examples/embed.html (one element, one module script): it trains from the keyboard (Tab
 * to Train, Enter), the status line's step increases, the batch accuracy passes 80% within a bounded number
 * of steps (read from its pth-step events), Pause stops it, a bad attribute value is shown in words and an
 * attribute change rebuilds the setup; no console errors. Screenshot: test-artifacts/trainer.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveTorchZip } from '../../src/checkpoint/index.ts';
import { buildGeneralCheckpoint } from '../../src/train/index.ts';
import { Sandbox } from '../../src/train/sandbox.ts';
import { defaultSetup } from '../../src/train/setup.ts';
import { type BrowserSession, startBrowser } from './browser.ts';

const artifacts = join(process.cwd(), 'test-artifacts');

const statusText = (page: Page) =>
  page.$eval('pth-trainer >>> pth-status >>> [role=status]', (el) => el.textContent ?? '');
const stepOf = async (page: Page) => Number(/^step (\d+)/.exec(await statusText(page))?.[1]);

/** The accessible name of the element that has focus, through shadow roots. */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.tagName === 'BUTTON' ? (el.textContent ?? '').trim() : (el?.tagName ?? '');
  });

describe('<pth-trainer> in examples/embed.html', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    session = await startBrowser();
    page = await session.open('/examples/embed.html');
    await page.setViewport({ width: 1000, height: 900 });
    await page.evaluate(() => {
      const w = globalThis as unknown as { steps: { step: number; accuracy: number | undefined }[] };
      w.steps = [];
      document.querySelector('pth-trainer')?.addEventListener('pth-step', (e) => {
        w.steps.push((e as CustomEvent<{ step: number; accuracy: number | undefined }>).detail);
      });
    });
    // Ready: step 0 with a held-out loss and accuracy, the map drawn.
    await page.waitForFunction(
      () =>
        /^step 0 · loss [\d.]+ · accuracy [\d.]+%$/.test(
          document.querySelector('pth-trainer')?.shadowRoot?.querySelector('pth-status')?.shadowRoot
            ?.textContent ?? '',
        ),
      { timeout: 60_000 },
    );
  });
  afterAll(async () => {
    await session?.close();
  });

  it('names its buttons', async () => {
    const names = await page.$$eval('pth-trainer >>> .controls button', (els) =>
      els.map((el) => el.textContent?.trim()),
    );
    expect(names).toEqual(['Train', 'Pause', 'Step', 'Reset']);
    const bar = await page.$$eval('pth-trainer >>> pth-checkpoint-bar >>> button', (els) =>
      els.map((el) => el.textContent?.trim()),
    );
    expect(bar).toContain('Save state_dict');
  });

  it('trains from the keyboard until the accuracy passes 80%', async () => {
    for (let i = 0; i < 10 && (await focusedName(page)) !== 'Train'; i++) await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Train');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { steps: { accuracy?: number }[] }).steps.some(
          (s) => (s.accuracy ?? 0) > 0.8,
        ),
      { timeout: 120_000 },
    );
    const first = await page.evaluate(
      () =>
        (globalThis as unknown as { steps: { step: number; accuracy?: number }[] }).steps.find(
          (s) => (s.accuracy ?? 0) > 0.8,
        )?.step,
    );
    expect(first).toBeLessThanOrEqual(1000);
    // Train moved focus to Pause; Enter pauses.
    expect(await focusedName(page)).toBe('Pause');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        document.querySelector('pth-trainer')?.shadowRoot?.querySelector<HTMLButtonElement>('.pause')
          ?.disabled,
    );
    expect(await stepOf(page)).toBeGreaterThan(0);
    expect(await statusText(page)).toMatch(/^step \d+ · loss [\d.]+ · accuracy [\d.]+%/);
    await page.screenshot({ path: join(artifacts, 'trainer.png'), fullPage: true });
    expect(session.errors).toEqual([]);
  });

  it('shows a bad attribute value in words and rebuilds when an attribute changes', async () => {
    await page.$eval('pth-trainer', (el) => el.setAttribute('optim', 'adagrad'));
    await page.waitForFunction(() =>
      document
        .querySelector('pth-trainer')
        ?.shadowRoot?.querySelector('.problems')
        ?.textContent?.includes('optim=adagrad is not one of sgd, adam, adamw'),
    );
    await page.waitForFunction(
      () =>
        document
          .querySelector('pth-trainer')
          ?.shadowRoot?.querySelector('pth-status')
          ?.shadowRoot?.textContent?.startsWith('step 0 · loss'),
      { timeout: 60_000 },
    );
    await page.$eval('pth-trainer', (el) => el.setAttribute('optim', 'sgd'));
    await page.waitForFunction(
      () => document.querySelector('pth-trainer')?.shadowRoot?.querySelector('.problems')?.textContent === '',
    );
    expect(session.errors).toEqual([]);
  });

  it('resumes a general checkpoint with its own optimizer, settings and step', async () => {
    // Trained in Node on the element's data (moons, seed 1) with another optimizer than the element's sgd.
    const trained = await Sandbox.create({
      ...defaultSetup,
      dataset: 'moons',
      optim: 'adamw',
      lr: 0.02,
      wd: 0.001,
      batch: 16,
    });
    for (let i = 0; i < 12; i++) await trained.trainStep();
    const file = join(artifacts, 'trainer-adamw.pth');
    writeFileSync(file, saveTorchZip(await buildGeneralCheckpoint(trained.checkpointParts())));

    const input = await page.waitForSelector('pth-trainer >>> pth-checkpoint-bar >>> input[type=file]');
    await input?.uploadFile(file);
    const barStatus = () =>
      page.$eval('pth-trainer >>> pth-checkpoint-bar >>> [role=status]', (el) => el.textContent ?? '');
    await page.waitForFunction(
      () =>
        document
          .querySelector('pth-trainer')
          ?.shadowRoot?.querySelector('pth-checkpoint-bar')
          ?.shadowRoot?.textContent?.includes('Loaded checkpoint'),
      { timeout: 30_000 },
    );
    expect(await barStatus()).toBe(
      'Loaded checkpoint trainer-adamw.pth: resumed at step 12 with adamw (lr 0.02, weight decay 0.001, batch 16) from the file.',
    );
    expect(await stepOf(page)).toBe(12);
    const step = await page.waitForSelector('pth-trainer >>> .controls button.step');
    await step?.click();
    await page.waitForFunction(() =>
      document
        .querySelector('pth-trainer')
        ?.shadowRoot?.querySelector('pth-status')
        ?.shadowRoot?.textContent?.startsWith('step 13 '),
    );
    expect(session.errors).toEqual([]);
  });
});
