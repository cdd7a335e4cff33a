/**
 * Issue 13 in the page: the worst hostile files (a shared-structure DAG of 2^32 paths, the same through
 * nn.Module submodules, a tuple DAG as a dict key, a 2^28-element expanded view with the neg bit, an
 * inflated byteorder record, a zip without an end record) dropped on the sandbox's checkpoint bar and handed
 * to the inspector. Each load runs in a worker (src/checkpoint/off-thread/): the page shows a typed error, the
 * model's state_dict is byte-for-byte what it was, and requestAnimationFrame keeps firing during the load
 * (the longest gap between frames stays under a second; a blocked main thread shows gaps of seconds).
 * Screenshots: test-artifacts/hostile-drop-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dagDictZip,
  dagModuleZip,
  deflatedByteorderZip,
  expandedZip,
  tupleKeyZip,
  zipWithoutEnd,
} from '../unit/checkpoint/hostile-files.ts';
import { type BrowserSession, startBrowser } from './browser.ts';

const artifacts = join(process.cwd(), 'test-artifacts');

/** Generous: the work is in a worker, so frames keep coming; a blocking load would stall them for seconds. */
const maxFrameGapMs = 1000;

const hostile: readonly (readonly [string, () => Uint8Array])[] = [
  ['dag-dict.pth', () => dagDictZip(32)],
  ['dag-module.pth', () => dagModuleZip(32)],
  ['tuple-key.pth', () => tupleKeyZip(32)],
  ['expanded-neg.pth', () => expandedZip([2 ** 14, 2 ** 14], true)],
  ['byteorder-bomb.pth', () => deflatedByteorderZip(2 ** 24)],
  ['no-end-record.pth', () => zipWithoutEnd(1 << 20)],
];

interface Outcome {
  type: string;
  message: string;
  /** The longest time between two animation frames while the file loaded, in ms. */
  maxGapMs: number;
  frames: number;
  /** Web Workers the page started for this load. */
  workers: number;
}

/**
 * Hands `bytes` to the page (dropped on the body for the checkpoint bar, or given to the inspector's
 * showFile) while counting animation frames; resolves when the target fires pth-loaded or pth-error.
 */
function loadInPage(
  page: Page,
  target: 'bar' | 'inspector',
  name: string,
  bytes: Uint8Array,
): Promise<Outcome> {
  return page.evaluate(
    async (where: string, fileName: string, b64: string) => {
      const file = new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], fileName);
      const counted = globalThis as { workersStarted?: number };
      counted.workersStarted ??= 0;
      if (!('counting' in Worker)) {
        // Counts the workers the load starts: the proof that the parsing is not on this thread.
        globalThis.Worker = class extends Worker {
          static counting = true;
          constructor(url: string | URL, options?: WorkerOptions) {
            super(url, options);
            counted.workersStarted = (counted.workersStarted ?? 0) + 1;
          }
        };
      }
      const workersBefore = counted.workersStarted;
      const element = document.querySelector(where === 'bar' ? 'pth-checkpoint-bar' : 'pth-inspector');
      if (element === null) throw new Error(`no ${where} on the page`);
      let last = performance.now();
      let maxGapMs = 0;
      let frames = 0;
      let running = true;
      const tick = (now: number) => {
        maxGapMs = Math.max(maxGapMs, now - last);
        last = now;
        frames++;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      // Two frames first, so that the measurement starts on a running loop.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      last = performance.now();
      maxGapMs = 0;
      const done = new Promise<{ type: string; message: string }>((resolve) => {
        for (const type of ['pth-loaded', 'pth-error'])
          element.addEventListener(
            type,
            (e) =>
              resolve({ type, message: String((e as CustomEvent<{ message?: string }>).detail.message) }),
            { once: true },
          );
      });
      if (where === 'bar') {
        const transfer = new DataTransfer();
        transfer.items.add(file);
        for (const type of ['dragover', 'drop'])
          document.body.dispatchEvent(
            new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
          );
      } else {
        void (element as HTMLElement & { showFile(f: File): Promise<void> }).showFile(file);
      }
      const result = await done;
      maxGapMs = Math.max(maxGapMs, performance.now() - last);
      running = false;
      return { ...result, maxGapMs, frames, workers: (counted.workersStarted ?? 0) - workersBefore };
    },
    target,
    name,
    Buffer.from(bytes).toString('base64'),
  );
}

/** SHA-256 of the model's state_dict as the checkpoint bar saves it. */
function weightsDigest(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const bar = document.querySelector('pth-checkpoint-bar') as HTMLElement & {
      actions: { saveStateDict(): Promise<{ bytes: Uint8Array<ArrayBuffer> }> };
    };
    const { bytes } = await bar.actions.saveStateDict();
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
  });
}

describe('hostile files dropped on the page', () => {
  let session: BrowserSession;
  let page: Page;
  const gaps: string[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    session = await startBrowser();
    page = await session.open('/?dataset=moons&preset=mlp&seed=3');
    await page.setViewport({ width: 1200, height: 900 });
    await page.waitForFunction(
      () => (globalThis as { pthlab?: { ready?: boolean } }).pthlab?.ready === true,
      {
        timeout: 60_000,
      },
    );
  }, 120_000);
  afterAll(async () => {
    console.log(`longest frame gaps during hostile loads (ms):\n${gaps.join('\n')}`);
    await session?.close();
  });

  it.each(hostile)(
    '%s on the checkpoint bar: a typed error, the model unchanged, frames keep coming',
    async (name, make) => {
      const before = await weightsDigest(page);
      const outcome = await loadInPage(page, 'bar', name, make());
      gaps.push(
        `bar ${name}: ${outcome.maxGapMs.toFixed(0)} ms over ${outcome.frames} frames (${outcome.message})`,
      );
      expect(outcome.type).toBe('pth-error');
      expect(outcome.message.length).toBeGreaterThan(0);
      expect(await page.$eval('pth-checkpoint-bar >>> [role=alert]', (el) => el.textContent)).toContain(name);
      expect(await weightsDigest(page)).toBe(before);
      expect(outcome.maxGapMs).toBeLessThan(maxFrameGapMs);
      await page.screenshot({ path: join(artifacts, `hostile-drop-bar-${name}.png`) });
    },
    120_000,
  );

  it.each(hostile)(
    '%s on the inspector: an error or a summary, never a blocked page',
    async (name, make) => {
      const outcome = await loadInPage(page, 'inspector', name, make());
      gaps.push(
        `inspector ${name}: ${outcome.maxGapMs.toFixed(0)} ms over ${outcome.frames} frames (${outcome.type})`,
      );
      expect(outcome.workers).toBe(1);
      if (name === 'expanded-neg.pth') {
        // torch loads it: a valid file, summarized without reading its 2^28 elements.
        expect(outcome.type).toBe('pth-loaded');
        const status = await page.$eval('pth-inspector >>> [role=status]', (el) => el.textContent ?? '');
        expect(status.replace(/\s+/g, ' ')).toContain('1 tensors');
      } else {
        expect(outcome.type).toBe('pth-error');
        expect(await page.$eval('pth-inspector >>> [role=alert]', (el) => el.textContent)).toContain(name);
      }
      expect(outcome.maxGapMs).toBeLessThan(maxFrameGapMs);
      await page.screenshot({ path: join(artifacts, `hostile-drop-inspector-${name}.png`), fullPage: true });
    },
    120_000,
  );

  it('logged no console errors', () => {
    expect(session.errors).toEqual([]);
  });
});
