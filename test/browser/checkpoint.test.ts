/**
 * The checkpoint library in a real browser (headless Chromium): a file PyTorch saved is dropped on the page
 * and summarized; a state_dict saved in the page loads in real torch 2.6 with weights_only=True, bit-exact;
 * a bad file shows a readable error; the page logs no console errors.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import type * as checkpointApi from '../../src/checkpoint/index.ts';
import type * as digestApi from '../../src/checkpoint/inspect/digest.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDigestText, fixtureDir, repoRoot } from '../torch/fixtures.ts';
import { digestInTorch } from '../torch/digest-batch.ts';
import { scratchDir } from '../torch/harness.ts';
import { type BrowserSession, startBrowser } from './browser.ts';

const artifacts = join(repoRoot, 'test-artifacts');

/** Digest of bytes computed by pthlab inside the page. */
function digestInPage(page: Page, bytes: Uint8Array): Promise<string> {
  return page.evaluate(async (data: number[]) => {
    const { checkpoint, inspect } = (globalThis as unknown as { pthlab: PthlabGlobal }).pthlab;
    const loaded = checkpoint.loadCheckpoint(new Uint8Array(data));
    return inspect.digestJson(await inspect.digestCheckpoint(loaded.format, loaded.value, loaded.metadata));
  }, Array.from(bytes));
}

/**
 * Waits for a part of the inspector's shadow DOM: the file loads in a worker, so the part comes later, in a
 * shadow root that a document-level mutation wait does not see; this polls.
 */
async function inspectorPart(page: Page, selector: string) {
  await page.waitForFunction(
    (s: string) => document.querySelector('pth-inspector')?.shadowRoot?.querySelector(s) != null,
    { polling: 100 },
    selector,
  );
  return page.$(`pth-inspector >>> ${selector}`);
}

// The shape of `window.pthlab` as src/app/main.ts sets it, loosely typed for page.evaluate.
interface PthlabGlobal {
  checkpoint: typeof checkpointApi;
  inspect: typeof digestApi;
}

describe('checkpoints in the browser', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowser();
    page = await session.open('/');
    await page.waitForFunction(() => customElements.get('pth-inspector') !== undefined);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('summarizes a state_dict saved by torch 2.6, dropped on the page', async () => {
    const file = join(fixtureDir('2.6'), 'cnn_bn_state_dict.pth');
    const input = await page.waitForSelector('pth-inspector >>> input[type=file]');
    await input?.uploadFile(file);
    const status = await inspectorPart(page, '[role=status]');
    const text = (await status?.evaluate((el) => el.textContent ?? '')) ?? '';
    const expected = JSON.parse(fixtureDigestText('2.6', 'cnn_bn_state_dict.pth')) as { tensors: object };
    const keys = Object.keys(expected.tensors);
    expect(text.replace(/\s+/g, ' ')).toContain(`cnn_bn_state_dict.pth: PyTorch zip, ${keys.length} tensors`);
    const cells = await page.$$eval('pth-inspector >>> tbody tr td:first-child', (tds) =>
      tds.map((td) => td.textContent),
    );
    expect(cells.slice(0, keys.length)).toEqual(keys);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'inspector.png'), fullPage: true });
  });

  it('reads every kind of torch file bit-exactly in the page', async () => {
    for (const [version, file] of [
      ['2.6', 'general_checkpoint.pth'],
      ['2.6', 'dtypes_v3.pth'],
      ['2.6', 'model.safetensors'],
      ['1.13', 'legacy.pth'],
      ['1.13', 'model_full.pth'],
    ] as const) {
      const bytes = new Uint8Array(readFileSync(join(fixtureDir(version), file)));
      expect(await digestInPage(page, bytes), file).toBe(fixtureDigestText(version, file));
    }
  });

  it('saves a state_dict in the page that torch 2.6 loads with weights_only=True', async () => {
    const { bytes, digest } = await page.evaluate(async () => {
      const { checkpoint, inspect } = (globalThis as unknown as { pthlab: PthlabGlobal }).pthlab;
      const { PyDict, Storage, StoredTensor, dtypeInfo, saveTorchZip } = checkpoint;
      const weight = new Float32Array([0.5, -1.25, 2, 3.5, -0.125, 7]);
      const bias = new Float32Array([0.25, -0.75]);
      const tensor = (data: Float32Array, shape: number[]) =>
        new StoredTensor(new Storage(dtypeInfo('float32'), new Uint8Array(data.buffer)), shape);
      const sd = new PyDict('OrderedDict', [
        ['fc.weight', tensor(weight, [2, 3])],
        ['fc.bias', tensor(bias, [2])],
      ]);
      sd.attributes = new Map([
        ['_metadata', new PyDict('OrderedDict', [['', new PyDict('dict', [['version', 1n]])]])],
      ]);
      const saved = saveTorchZip(sd);
      const digestText = inspect.digestJson(await inspect.digestCheckpoint('torch-zip', sd));
      return { bytes: Array.from(saved), digest: digestText };
    });
    const scratch = scratchDir('2.6');
    try {
      const result = await digestInTorch('2.6', scratch, [
        { name: 'from-browser.pth', bytes: new Uint8Array(bytes), load: 'weights-only' },
      ]);
      expect(result.get('from-browser.pth')).toBe(digest);
      writeFileSync(join(scratch.hostPath, 'kept.pth'), new Uint8Array(bytes));
    } finally {
      scratch.cleanup();
    }
  });

  it('shows a readable error for a bad file and keeps the last summary away', async () => {
    const bad = join(artifacts, 'not-a-checkpoint.pth');
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(bad, 'PK\u0003\u0004 this is not really a zip');
    const input = await page.waitForSelector('pth-inspector >>> input[type=file]');
    await input?.uploadFile(bad);
    const alert = await inspectorPart(page, '[role=alert]');
    const text = (await alert?.evaluate((el) => el.textContent ?? '')) ?? '';
    expect(text).toMatch(/^not-a-checkpoint\.pth: .*(zip|central directory|truncated)/i);
    expect(await page.$('pth-inspector >>> [role=status]')).toBeNull();
  });

  it('logged no console errors', () => {
    expect(session.errors).toEqual([]);
  });
});
