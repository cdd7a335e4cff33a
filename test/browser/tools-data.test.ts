/**
 * The tools page takes the data from the checkpoints (issue 15, item 7): two moons checkpoints of the sandbox
 * (which record `pthlab.data`) are picked on a page that starts on spirals; the page switches to the file's
 * dataset, seed, size and noise and scores both, instead of refusing them ("Target 2 is out of bounds").
 * Switching the data keeps the picked files and scores them again; data they do not fit is refused and
 * leaves both the files and the data as they were. Screenshot: test-artifacts/tools-moons.png.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveTorchZip } from '../../src/checkpoint/index.ts';
import { buildGeneralCheckpoint } from '../../src/train/index.ts';
import { Sandbox } from '../../src/train/sandbox.ts';
import { defaultSetup } from '../../src/train/setup.ts';
import { type BrowserSession, startBrowser } from './browser.ts';

const artifacts = join(process.cwd(), 'test-artifacts');
const files = join(artifacts, 'tools-data-files');
const moons = { dataset: 'moons', n: 300, noise: 0.15, seed: 7 } as const;

/** A moons checkpoint of the sandbox, `steps` steps from `seed`'s weights (the data's seed stays 7). */
async function moonsCheckpoint(steps: number): Promise<Uint8Array> {
  const sandbox = await Sandbox.create({ ...defaultSetup, ...moons, preset: 'mlp' });
  await sandbox.trainer.run(steps);
  return saveTorchZip(await buildGeneralCheckpoint(sandbox.checkpointParts()));
}

const text = (page: Page, selector: string) => page.$eval(selector, (el) => (el.textContent ?? '').trim());
const formValues = (page: Page) =>
  page.evaluate(() => {
    const form = document.getElementById('data') as HTMLFormElement;
    return Object.fromEntries(
      ['dataset', 'seed', 'n', 'noise'].map((k) => [
        k,
        (form.elements.namedItem(k) as HTMLInputElement).value,
      ]),
    );
  });
const refusals = (page: Page) => page.evaluate(() => Number(document.body.dataset['refused'] ?? 0));

describe('the tools page with moons checkpoints', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    rmSync(files, { recursive: true, force: true });
    mkdirSync(files, { recursive: true });
    writeFileSync(join(files, 'moons_a.pth'), await moonsCheckpoint(0));
    writeFileSync(join(files, 'moons_b.pth'), await moonsCheckpoint(40));
    session = await startBrowser();
    page = await session.open('/tools.html');
    await page.setViewport({ width: 1100, height: 1400 });
    await page.waitForSelector('body[data-ready]');
  });
  afterAll(async () => {
    await session?.close();
  });

  it('takes the dataset from the checkpoints instead of refusing them', async () => {
    expect((await formValues(page))['dataset']).toBe('spirals');
    await (await page.$('input#file-a'))!.uploadFile(join(files, 'moons_a.pth'));
    await page.waitForFunction(() => document.getElementById('info-a')?.textContent?.includes('moons_a.pth'));
    expect(await formValues(page)).toEqual({ dataset: 'moons', seed: '7', n: '300', noise: '0.15' });
    await (await page.$('input#file-b'))!.uploadFile(join(files, 'moons_b.pth'));
    await page.waitForFunction(() => document.getElementById('info-b')?.textContent?.includes('moons_b.pth'));
    expect(await text(page, '#line-error')).toBe('');
    expect(await refusals(page)).toBe(0);
    await page.waitForFunction(() =>
      document.getElementById('alpha-result')?.textContent?.endsWith('on 300 moons rows'),
    );
    await page.screenshot({ path: join(artifacts, 'tools-moons.png') });
  });

  it('keeps the picked files when the data changes, and scores them again', async () => {
    const change = (values: Record<string, string>) =>
      page.evaluate((v) => {
        const form = document.getElementById('data') as HTMLFormElement;
        for (const [k, x] of Object.entries(v)) (form.elements.namedItem(k) as HTMLInputElement).value = x;
        form.dispatchEvent(new Event('change'));
      }, values);
    await change({ dataset: 'circles' });
    await page.waitForFunction(() =>
      document.getElementById('alpha-result')?.textContent?.endsWith('on 300 circles rows'),
    );
    expect(await text(page, '#info-a')).toContain('moons_a.pth');
    expect(await text(page, '#info-b')).toContain('moons_b.pth');
    // Spirals has three classes: the files' two outputs do not fit; nothing changes.
    await change({ dataset: 'spirals' });
    await page.waitForFunction(() => Number(document.body.dataset['refused'] ?? 0) === 1);
    expect(await text(page, '#line-error')).toContain('does not fit the architecture and data');
    expect((await formValues(page))['dataset']).toBe('circles');
    expect(await text(page, '#info-a')).toContain('moons_a.pth');
    expect(await text(page, '#info-b')).toContain('moons_b.pth');
  });
});
