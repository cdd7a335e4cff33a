/**
 * Each component on its own in headless Chromium (test/browser/pages/components.html): accessible names,
 * keyboard focus order, the status line, the checkpoint bar saving files that loadCheckpoint reads back and
 * refusing a mismatched file with PyTorch's message while the model stays as it was, drag-and-drop anywhere
 * on the page, the draw pad by keyboard, autosave in real IndexedDB across a reload, and no console errors.
 * Screenshots go to test-artifacts/.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PyDict, type StoredTensor, loadCheckpoint, saveTorchZip } from '../../src/checkpoint/index.ts';
import { buildModule, toPyStateDict } from '../../src/nn/index.ts';
import { manualSeed } from '../../src/tensor/index.ts';
import type { Autosave, openIdbSlotStore } from '../../src/ui/autosave.ts';
import { presetSpec } from '../../src/train/presets.ts';
import { type BrowserSession, allowDownloads, saveFromMenu, startBrowser } from './browser.ts';

const artifacts = join(process.cwd(), 'test-artifacts');
const downloads = join(artifacts, 'downloads');

// window.pthlabTest, as test/browser/pages/components.ts sets it, loosely typed for page.evaluate.
interface PageHandles {
  ready: Promise<unknown>;
  weights(): Promise<Record<string, number[]>>;
  Autosave: typeof Autosave;
  openIdbSlotStore: typeof openIdbSlotStore;
}

/** The element focused now, through shadow roots: "tag|accessible-ish name". */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (el === null) return 'none';
    if (el instanceof HTMLSelectElement) return `select|${el.selectedOptions[0]?.textContent ?? ''}`;
    const name =
      el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().split('\n')[0]!.trim().slice(0, 60);
    return `${el.tagName.toLowerCase()}|${name}`;
  });
}

async function waitForFile(path: string): Promise<Uint8Array> {
  for (let i = 0; i < 100; i++) {
    if (existsSync(path)) return new Uint8Array(readFileSync(path));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no download at ${path}`);
}

async function statePth(hidden: number, seed: number): Promise<Uint8Array> {
  manualSeed(seed);
  const spec = presetSpec('mlp', { features: 2, outputs: 3 });
  const layers = (spec.layers as { out_features?: number; in_features?: number }[]).map((l, i) =>
    i === 0 ? { ...l, out_features: hidden } : i === 2 ? { ...l, in_features: hidden } : l,
  );
  return saveTorchZip(await toPyStateDict(buildModule({ ...spec, layers })));
}

describe('components in the browser', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    rmSync(downloads, { recursive: true, force: true });
    mkdirSync(downloads, { recursive: true });
    session = await startBrowser();
    page = await session.open('/test/browser/pages/components.html');
    await page.setViewport({ width: 1100, height: 900 });
    await allowDownloads(page, downloads);
    await page.waitForFunction(() => 'pthlabTest' in globalThis);
    await page.evaluate(() => (globalThis as unknown as { pthlabTest: PageHandles }).pthlabTest.ready);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('gives every control and chart an accessible name', async () => {
    const missing: string[] = [];
    for (const [role, name] of [
      ['figure', 'Loss and accuracy by step'],
      ['table', 'Model summary for input (1, 2)'],
      ['image', 'Decision map: 150 points in 3 classes; shaded by the predicted class.'],
      ['combobox', 'Tensor'],
      ['image', 'Drawing pad: draw a digit'],
      ['button', 'Clear drawing'],
    ]) {
      if ((await page.$(`aria/${name}[role="${role}"]`)) === null) missing.push(`${role} "${name}"`);
    }
    expect(missing).toEqual([]);
    // The file input is visually replaced by its label, so the ARIA query skips it: ask the tree directly.
    const input = await page.waitForSelector('pth-checkpoint-bar >>> input[type=file]');
    expect(await page.accessibility.snapshot({ root: input!, interestingOnly: false })).toMatchObject({
      role: 'button',
      name: 'Load a .pth, .pt or .safetensors file into the model',
    });
    // A status region is named by nothing; its text is what is announced.
    const line = await page.$eval('pth-status >>> [role=status]', (el) => el.textContent);
    expect(line).toBe('step 12 · loss 0.4321 · accuracy 87.5%');
    // The Save menu's button (Chromium's role for a button with a menu is PopUpButton).
    const save = await page.waitForSelector('pth-checkpoint-bar >>> #save-button');
    const node = await page.accessibility.snapshot({ root: save!, interestingOnly: false });
    expect([node?.name?.trim(), node?.haspopup]).toEqual(['Save to PyTorch', 'menu']);
    // "Save checkpoint" needs a training run, "Save whole model" an architecture: none here.
    const disabled = await page.$$eval('pth-checkpoint-bar >>> [role=menuitem]', (items) =>
      items.map((b) => [b.textContent?.trim(), (b as HTMLButtonElement).disabled]),
    );
    expect(disabled).toEqual([
      ['Save state_dict', false],
      ['Save checkpoint', true],
      ['Export safetensors', false],
      ['Save whole model', true],
    ]);
  });

  it('reaches every control with the keyboard, in page order', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      seen.push(await focused(page));
    }
    // The Save menu is one stop (its items are reached with the arrows); after the last control, the page.
    expect(seen).toEqual([
      'button|Save to PyTorch',
      'input|Load a .pth, .pt or .safetensors file into the model',
      'input|Log scale for the losses',
      'summary|Data table (last 10 steps)',
      'summary|Predicted share of the plane per class',
      'select|0.weight (16, 2)',
      'summary|Histogram table',
      'canvas|Drawing pad: draw a digit',
      'button|Clear drawing',
      'body|pthlab components, one by one',
    ]);
  });

  it('summarizes the model as torchinfo does', async () => {
    const rows = await page.$$eval('pth-model-summary >>> tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())),
    );
    expect(rows).toEqual([
      ['Sequential', '(1, 3)', '--', '--'],
      ['Linear (0)', '(1, 16)', '48', 'yes'],
      ['ReLU (1)', '(1, 16)', '--', '--'],
      ['Linear (2)', '(1, 3)', '51', 'yes'],
    ]);
    const totals = await page.$eval('pth-model-summary >>> tfoot', (el) =>
      el.textContent?.replace(/\s+/g, ' '),
    );
    expect(totals).toContain('Total params 99');
    expect(totals).toContain('Params size 396 B');
  });

  it('saves a state_dict and a safetensors file that loadCheckpoint reads back', async () => {
    const before = await page.evaluate(() =>
      (globalThis as unknown as { pthlabTest: PageHandles }).pthlabTest.weights(),
    );
    await saveFromMenu(page, 'Save state_dict');
    const pth = loadCheckpoint(await waitForFile(join(downloads, 'spirals_mlp_state_dict.pth')));
    await saveFromMenu(page, 'Export safetensors');
    const st = loadCheckpoint(await waitForFile(join(downloads, 'spirals_mlp.safetensors')));
    expect(pth.format).toBe('torch-zip');
    expect(st.format).toBe('safetensors');
    for (const loaded of [pth, st]) {
      const dict = loaded.value as PyDict;
      expect([...dict.keys()].map(String).sort()).toEqual(Object.keys(before).sort());
      for (const [key, values] of Object.entries(before)) {
        const t = dict.get(key) as StoredTensor;
        expect(Array.from(t.toTypedArray() as Float32Array), key).toEqual(values);
      }
    }
    const message = await page.$eval('pth-checkpoint-bar >>> [role=status]', (el) => el.textContent);
    expect(message).toMatch(/^Saved spirals_mlp\.safetensors \([\d,]+ bytes\)\.$/);
  });

  it("refuses a mismatched state_dict with PyTorch's message and leaves the model unchanged", async () => {
    const before = await page.evaluate(() =>
      (globalThis as unknown as { pthlabTest: PageHandles }).pthlabTest.weights(),
    );
    const file = join(artifacts, 'mismatched.pth');
    writeFileSync(file, await statePth(8, 3));
    const input = await page.waitForSelector('pth-checkpoint-bar >>> input[type=file]');
    await input?.uploadFile(file);
    // The file loads in a worker, so the alert comes later, inside a shadow root that a document-level
    // mutation wait does not see: poll for it.
    await page.waitForFunction(
      () => document.querySelector('pth-checkpoint-bar')?.shadowRoot?.querySelector('[role=alert]') != null,
      { polling: 100 },
    );
    // One sentence; PyTorch's message folded away in a <details>.
    const alert = await page.waitForSelector('pth-checkpoint-bar >>> [role=alert]');
    expect(await alert?.$eval('p', (el) => el.textContent)).toBe(
      'mismatched.pth: This file is for a different model: 3 tensors of another shape.',
    );
    const text = await alert?.$eval('details pre', (el) => el.textContent);
    expect(text).toBe(
      'Error(s) in loading state_dict for Sequential:\n' +
        '\tsize mismatch for 0.weight: copying a param with shape torch.Size([8, 2]) from checkpoint, the shape in current model is torch.Size([16, 2]).\n' +
        '\tsize mismatch for 0.bias: copying a param with shape torch.Size([8]) from checkpoint, the shape in current model is torch.Size([16]).\n' +
        '\tsize mismatch for 2.weight: copying a param with shape torch.Size([3, 8]) from checkpoint, the shape in current model is torch.Size([3, 16]).',
    );
    expect(
      await page.evaluate(() => (globalThis as unknown as { pthlabTest: PageHandles }).pthlabTest.weights()),
    ).toEqual(before);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'components-mismatch.png'), fullPage: true });
  });

  it('loads a matching file dropped anywhere on the page', async () => {
    const bytes = await statePth(16, 9);
    const expected = loadCheckpoint(bytes).value as PyDict;
    await page.evaluate(async (data: number[]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'dropped.pth'));
      const target = document.querySelector('h1') as HTMLElement;
      target.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
      target.dispatchEvent(
        new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
    }, Array.from(bytes));
    await page.waitForFunction(
      () =>
        document.querySelector('pth-checkpoint-bar')?.shadowRoot?.querySelector('[role=status]')
          ?.textContent === 'Loaded 4 tensors from dropped.pth (state_dict).',
    );
    expect(await page.$('pth-checkpoint-bar >>> [role=alert]')).toBeNull();
    const after = await page.evaluate(() =>
      (globalThis as unknown as { pthlabTest: PageHandles }).pthlabTest.weights(),
    );
    for (const [key, t] of expected) {
      expect(after[String(key)], String(key)).toEqual(
        Array.from((t as StoredTensor).toTypedArray() as Float32Array),
      );
    }
  });

  it('draws a digit with the keyboard and gives 28x28 pixels', async () => {
    const pad = await page.waitForSelector('pth-draw-pad >>> canvas.ink');
    await pad?.focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowDown');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    const { full, small } = await page.evaluate(() => {
      const el = document.querySelector('pth-draw-pad')!;
      const px = el.pixels();
      const mnist = el.toMnist();
      return {
        full: [px.length, Math.max(...px)],
        small: [mnist.length, Math.max(...mnist), mnist.filter((v) => v > 0.5).length],
      };
    });
    expect(full).toEqual([280 * 280, 1]);
    expect(small[0]).toBe(784);
    expect(small[1]).toBeGreaterThan(0.9);
    expect(small[2]).toBeGreaterThan(8);
    await page.keyboard.press('Delete');
    expect(await page.evaluate(() => Math.max(...document.querySelector('pth-draw-pad')!.pixels()))).toBe(0);
  });

  it('autosaves to real IndexedDB and restores the newest good save after a reload', async () => {
    const bytes = await statePth(16, 4);
    const saved = await page.evaluate(async (data: number[]) => {
      const t = (globalThis as unknown as { pthlabTest: PageHandles }).pthlabTest;
      const autosave = new t.Autosave(await t.openIdbSlotStore('pthlab-test-autosave'));
      await autosave.clear();
      await autosave.save({ bytes: new Uint8Array([1, 2, 3]), step: 1, loss: 0.9 });
      await autosave.save({ bytes: new Uint8Array(data), step: 2, loss: 0.5 });
      const refused = await autosave.save({ bytes: new Uint8Array([9]), step: 3, loss: NaN });
      return refused.saved;
    }, Array.from(bytes));
    expect(saved).toBe(false);
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => 'pthlabTest' in globalThis);
    const restored = await page.evaluate(async () => {
      const t = (globalThis as unknown as { pthlabTest: PageHandles }).pthlabTest;
      await t.ready;
      const latest = await new t.Autosave(await t.openIdbSlotStore('pthlab-test-autosave')).latest();
      return (
        latest && { step: latest.header.step, slot: latest.header.slot, bytes: Array.from(latest.bytes) }
      );
    });
    expect(restored?.step).toBe(2);
    expect(restored?.slot).toBe(1);
    expect(new Uint8Array(restored?.bytes ?? [])).toEqual(bytes);
    expect(loadCheckpoint(new Uint8Array(restored?.bytes ?? [])).format).toBe('torch-zip');
  });

  it('renders every component (screenshot) and logged no console errors', async () => {
    await page.evaluate(() => (globalThis as unknown as { pthlabTest: PageHandles }).pthlabTest.ready);
    await page.screenshot({ path: join(artifacts, 'components.png'), fullPage: true });
    expect(session.errors).toEqual([]);
  });
});
