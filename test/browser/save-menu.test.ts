/**
 * The sandbox's "Save to PyTorch" menu and its load errors, in headless Chromium:
 *   a. the menu button follows the WAI-ARIA pattern (aria-haspopup, aria-expanded; the arrows open and move,
 *      Escape closes and returns focus) and axe-core finds no serious or critical violation with it open;
 *   b. each item downloads its file under its name, and the PyTorch snippet follows the item saved; the whole
 *      model loads in torch 2.6 inside safe_globals naming the snippet's classes and predicts as the page does;
 *   c. a checkpoint of another architecture fails in one sentence, PyTorch's key and shape list folded in a
 *      `<details>`, and the offer to switch to the file's architecture stays.
 * Screenshots: test-artifacts/save-menu-1366.png, save-mismatch-390.png.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveTorchZip } from '../../src/checkpoint/index.ts';
import { buildGeneralCheckpoint } from '../../src/train/index.ts';
import { Sandbox } from '../../src/train/sandbox.ts';
import { parseSetup } from '../../src/train/setup.ts';
import { repoRoot } from '../torch/fixtures.ts';
import { runTorch, scratchDir } from '../torch/harness.ts';
import { type BrowserSession, allowDownloads, startBrowser } from './browser.ts';
import { seriousViolations } from './axe.ts';

const artifacts = join(repoRoot, 'test-artifacts');
const downloads = join(artifacts, 'save-menu-downloads');
const query = 'dataset=spirals&preset=mlp&optim=adam&lr=0.05&seed=1&batch=64&noise=0.05';

interface PageApp {
  step: number;
  logits(x: Float32Array, rows: number): Promise<Float32Array>;
}
const app = (page: Page) =>
  page.evaluateHandle(() => (globalThis as unknown as { pthlab: { app: PageApp } }).pthlab.app);

/** The element focused now, through shadow roots: its text. */
const focusedText = (page: Page) =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  });

const expanded = (page: Page) =>
  page.$eval('pth-checkpoint-bar >>> #save-button', (b) => b.getAttribute('aria-expanded'));

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 100));
}

async function dropFile(page: Page, name: string, bytes: Uint8Array): Promise<string> {
  return page.evaluate(
    (fileName: string, b64: string) => {
      const file = new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], fileName);
      const done = new Promise<string>((resolve) => {
        for (const type of ['pth-loaded', 'pth-error']) document.addEventListener(type, () => resolve(type));
      });
      void document.querySelector('pth-checkpoint-bar')?.loadFile(file);
      return done;
    },
    name,
    Buffer.from(bytes).toString('base64'),
  );
}

describe('the Save to PyTorch menu', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    rmSync(downloads, { recursive: true, force: true });
    mkdirSync(downloads, { recursive: true });
    session = await startBrowser();
    page = await session.open(`/?${query}`);
    await page.setViewport({ width: 1366, height: 768 });
    await allowDownloads(page, downloads);
    await page.waitForFunction(
      () => (globalThis as { pthlab?: { ready?: boolean } }).pthlab?.ready === true,
      { timeout: 60_000 },
    );
    // One step, so that there is a run to checkpoint.
    await page.click('#step');
    await page.waitForFunction(
      () => (globalThis as unknown as { pthlab: { app: PageApp } }).pthlab.app.step >= 1,
    );
  });
  afterAll(async () => {
    await session?.close();
  });

  it('opens, moves and closes from the keyboard as a menu button', async () => {
    const button = await page.waitForSelector('pth-checkpoint-bar >>> #save-button');
    const node = await page.accessibility.snapshot({ root: button!, interestingOnly: false });
    expect([node?.name?.trim(), node?.haspopup]).toEqual(['Save to PyTorch', 'menu']);
    expect(await expanded(page)).toBe('false');
    await button?.focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() =>
      document.querySelector('pth-checkpoint-bar')?.shadowRoot?.activeElement?.matches('[role=menuitem]'),
    );
    expect(await expanded(page)).toBe('true');
    expect(await focusedText(page)).toBe('Save state_dict');
    await page.keyboard.press('ArrowDown');
    expect(await focusedText(page)).toBe('Save checkpoint');
    await page.keyboard.press('End');
    expect(await focusedText(page)).toBe('Save whole model');
    await page.keyboard.press('ArrowDown');
    expect(await focusedText(page)).toBe('Save state_dict');
    await page.keyboard.press('ArrowUp');
    expect(await focusedText(page)).toBe('Save whole model');
    await page.evaluate(() => document.querySelector('#files-panel')?.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(artifacts, 'save-menu-1366.png') });
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await expanded(page)).toBe('false');
    expect(await focusedText(page)).toBe('Save to PyTorch');
  });

  it('downloads each format under its name, and the snippet follows the item saved', async () => {
    const step = await (await app(page)).evaluate((a) => a.step);
    const items = [
      ['Save state_dict', 'spirals_mlp_state_dict.pth', 'model.load_state_dict(torch.load('],
      ['Save checkpoint', `spirals_mlp_checkpoint_step${step}.pth`, 'load_checkpoint('],
      ['Export safetensors', 'spirals_mlp.safetensors', 'load_file('],
      ['Save whole model', 'spirals_mlp_whole_model.pth', 'torch.serialization.safe_globals('],
    ] as const;
    for (const [item, file, code] of items) {
      await page.click('pth-checkpoint-bar >>> #save-button');
      await (await page.waitForSelector(`aria/${item}[role="menuitem"]`))?.click();
      await waitForFile(join(downloads, file));
      expect(readdirSync(downloads), item).toContain(file);
      const snippet = await page.$eval('#torch-snippet', (el) => el.textContent ?? '');
      expect(snippet, item).toContain(code);
      expect(snippet, item).toContain(`"${file}"`);
    }
    expect(await page.$eval('#torch-snippet', (el) => el.textContent)).toContain(
      'with torch.serialization.safe_globals([torch.nn.Sequential, torch.nn.Linear, torch.nn.ReLU]):',
    );
  });

  it('writes a whole model that torch 2.6 loads inside safe_globals and that predicts as the page does', async () => {
    const scratch = scratchDir('2.6');
    try {
      const name = 'spirals_mlp_whole_model.pth';
      copyFileSync(join(downloads, name), join(scratch.hostPath, name));
      const points = [
        [0, 0],
        [0.5, -0.25],
        [-0.8, 0.6],
        [1.1, 0.9],
      ];
      const pageLogits = await (
        await app(page)
      ).evaluate(
        async (a, flat: number[]) => Array.from(await a.logits(Float32Array.from(flat), 4)),
        points.flat(),
      );
      const stdout = await runTorch('2.6', 'browser/whole_model.py', [
        JSON.stringify({
          path: `${scratch.pyPath}/${name}`,
          classes: ['torch.nn.Sequential', 'torch.nn.Linear', 'torch.nn.ReLU'],
          points,
        }),
      ]);
      const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
        type: string;
        training: boolean;
        keys: string[];
        logits: number[][];
      };
      expect(out.type).toBe('Sequential');
      expect(out.training).toBe(false);
      expect(out.keys).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
      const diffs = out.logits.flat().map((v, i) => Math.abs(v - (pageLogits[i] ?? NaN)));
      expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-5);
    } finally {
      scratch.cleanup();
    }
  });

  it('says a mismatch in one sentence, the details folded away, and keeps the offer', async () => {
    const other = await Sandbox.create({
      ...parseSetup(query).setup,
      arch: {
        type: 'Sequential',
        layers: [
          { type: 'Linear', in_features: 2, out_features: 32 },
          { type: 'Tanh' },
          { type: 'Linear', in_features: 32, out_features: 8 },
          { type: 'Tanh' },
          { type: 'Linear', in_features: 8, out_features: 3 },
        ],
      },
    });
    const bytes = saveTorchZip(await buildGeneralCheckpoint(other.checkpointParts()));
    await page.setViewport({ width: 390, height: 844 });
    expect(await dropFile(page, 'other.pth', bytes)).toBe('pth-error');
    const sentence = await page.$eval('pth-checkpoint-bar >>> [role=alert] > p', (el) => el.textContent);
    expect(sentence).toBe(
      'other.pth: This file is for a different model: 2 keys not in this model, 4 tensors of another shape.',
    );
    const details = await page.$eval('pth-checkpoint-bar >>> [role=alert] details', (el) => ({
      open: el.open,
      text: el.querySelector('pre')?.textContent ?? '',
    }));
    expect(details.open).toBe(false);
    expect(details.text).toContain('Error(s) in loading state_dict for Sequential:');
    expect(details.text).toContain('Unexpected key(s) in state_dict: "4.weight", "4.bias".');
    expect(details.text).toContain('size mismatch for 0.weight');
    const offer = await page.waitForSelector('aria/Switch to the file\'s architecture[role="button"]');
    expect(offer).not.toBeNull();
    await page.evaluate(() => document.querySelector('#files-panel')?.scrollIntoView());
    await page.screenshot({ path: join(artifacts, 'save-mismatch-390.png') });
    expect(await seriousViolations(page)).toEqual([]);
  });
});
