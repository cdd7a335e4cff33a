/**
 * The sandbox page and real torch 2.6, end to end in headless Chromium:
 *   a. spirals train in the page (Train button): the loss falls and held-out accuracy passes 85% within a
 *      bounded number of steps (a step count, never a time);
 *   b. "Save state_dict" downloads a .pth that torch loads with weights_only=True, strictly, into the module
 *      examples/pytorch/pthlab_arch.py builds from the page's architecture, and torch's logits on fixed points
 *      equal the page's (argmax, and within 1e-4);
 *   c. a state_dict that PyTorch trained on the same seeded spirals (exported from pthlab's generator as
 *      safetensors) is dropped on the page, and the page's status line shows torch's held-out accuracy.
 * Screenshot: test-artifacts/torch-roundtrip.png.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { JSHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Storage, StoredTensor, dtypeInfo, writeSafetensors } from '../../src/checkpoint/index.ts';
import { Sandbox } from '../../src/train/sandbox.ts';
import { formatPercent } from '../../src/ui/shared.styles.ts';
import { parseSetup, serializeSetup } from '../../src/train/setup.ts';
import type { LossPoint } from '../../src/ui/loss-chart/pth-loss-chart.ts';
import { repoRoot } from '../torch/fixtures.ts';
import { runTorch, scratchDir } from '../torch/harness.ts';
import { type BrowserSession, allowDownloads, saveFromMenu, startBrowser } from './browser.ts';

const artifacts = join(repoRoot, 'test-artifacts');
const downloads = join(artifacts, 'torch-roundtrip-downloads');
const archModule = join(repoRoot, 'examples/pytorch/pthlab_arch.py');

/**
 * A setup that learns spirals with the one-hidden-layer MLP. On the CPU backend its held-out accuracy (60 rows)
 * is 86.7% at step 120 and then sits at 88-92%: 90% itself is a coin toss between backends, and the page
 * evaluates at most every 200 ms, so which steps it samples depends on the machine's load. 85% is the sturdy bar.
 */
const query = 'dataset=spirals&preset=mlp&optim=adam&lr=0.05&seed=1&batch=64&noise=0.05';
const setup = parseSetup(query).setup;
/** The bound asserted for (a): more than three times the steps this setup needs. */
const target = 0.85;
const maxSteps = 400;

// The parts of `window.pthlab.app` (a Sandbox) the tests read, loosely typed for page.evaluate.
interface PageApp {
  step: number;
  spec: object;
  heldOut: { n: number };
  logits(x: Float32Array, rows: number): Promise<Float32Array>;
  evaluate(): Promise<{ loss: number; accuracy: number | undefined }>;
}

const statusText = (page: Page) => page.$eval('pth-status >>> [role=status]', (el) => el.textContent ?? '');

/** Fixed points: a 7 x 7 grid over the data's square, plus the origin's neighbourhood. */
function fixedPoints(): number[][] {
  const points: number[][] = [];
  for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) points.push([-1.2 + 0.4 * i, -1.2 + 0.4 * j]);
  points.push([0.05, -0.03], [-0.11, 0.07], [0.31, 0.52]);
  return points;
}

function float32(values: ArrayLike<number>, shape: number[]): StoredTensor {
  const data = Float32Array.from(values);
  return new StoredTensor(new Storage(dtypeInfo('float32'), new Uint8Array(data.buffer)), shape);
}

function int64(values: ArrayLike<number>): StoredTensor {
  const data = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
  return new StoredTensor(new Storage(dtypeInfo('int64'), new Uint8Array(data.buffer)), [values.length]);
}

/** Runs test/torch/py/browser/<script> under torch 2.6 with one JSON argument; parses its last line. */
async function torch<T>(script: string, cfg: object): Promise<T> {
  const stdout = await runTorch('2.6', `browser/${script}`, [JSON.stringify(cfg)]);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;
}

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 100));
}

describe('the sandbox page with real torch 2.6', () => {
  let session: BrowserSession;
  let page: Page;
  let app: JSHandle<PageApp>;
  let scratch: ReturnType<typeof scratchDir>;

  beforeAll(async () => {
    rmSync(downloads, { recursive: true, force: true });
    mkdirSync(downloads, { recursive: true });
    scratch = scratchDir('2.6');
    copyFileSync(archModule, join(scratch.hostPath, 'pthlab_arch.py'));
    session = await startBrowser();
    page = await session.open(`/?${query}`);
    await page.setViewport({ width: 1200, height: 900 });
    await allowDownloads(page, downloads);
    await page.waitForFunction(
      () => (globalThis as { pthlab?: { ready?: boolean } }).pthlab?.ready === true,
      {
        timeout: 60_000,
      },
    );
    app = await page.evaluateHandle(() => (globalThis as unknown as { pthlab: { app: PageApp } }).pthlab.app);
  });
  afterAll(async () => {
    await session?.close();
    scratch?.cleanup();
  });

  it(`learns spirals: the loss falls and held-out accuracy passes ${target * 100}% within ${maxSteps} steps`, async () => {
    expect(await statusText(page)).toMatch(/^step 0 · /);
    await page.click('#train');
    await page.waitForFunction(
      (bound: number, bar: number) => {
        const points = document.querySelector('pth-loss-chart')?.points ?? [];
        const last = points.at(-1)?.step ?? 0;
        return last >= bound || points.some((p) => (p.accuracy ?? 0) >= bar);
      },
      { timeout: 240_000 },
      maxSteps,
      target,
    );
    await page.click('#pause');
    // The steps run in a worker: the pause is said once it has stopped and the page holds its state.
    await page.waitForFunction(() =>
      document
        .querySelector('pth-status')
        ?.shadowRoot?.querySelector('[role=status]')
        ?.textContent?.endsWith(' · paused'),
    );
    const points = await page.$eval('pth-loss-chart', (el) => el.points);
    const reached = points.find((p: LossPoint) => (p.accuracy ?? 0) >= target);
    expect(reached, `held-out accuracy reached ${target * 100}%`).toBeDefined();
    expect(reached?.step).toBeLessThanOrEqual(maxSteps);
    const trainLosses = points.filter((p) => p.trainLoss !== undefined).map((p) => p.trainLoss as number);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(trainLosses.length).toBeGreaterThanOrEqual(20);
    expect(mean(trainLosses.slice(-10))).toBeLessThan(0.6 * mean(trainLosses.slice(0, 10)));
    const heldOut = points.filter((p) => p.heldOutLoss !== undefined).map((p) => p.heldOutLoss as number);
    expect(heldOut.at(-1)).toBeLessThan(0.6 * (heldOut[0] as number));
  });

  it('saves a state_dict that torch 2.6 loads with weights_only=True, strictly, and predicts the same', async () => {
    const step = await app.evaluate((a) => a.step);
    const spec = await app.evaluate((a) => a.spec);
    const points = fixedPoints();
    const pageLogits = await app.evaluate(
      async (a, flat: number[], rows: number) => Array.from(await a.logits(Float32Array.from(flat), rows)),
      points.flat(),
      points.length,
    );
    await saveFromMenu(page, 'Save state_dict');
    const name = 'spirals_mlp_state_dict.pth';
    await waitForFile(join(downloads, name));
    expect(readdirSync(downloads)).toContain(name);
    copyFileSync(join(downloads, name), join(scratch.hostPath, name));
    const out = await torch<{ keys: [string, string, number[]][]; logits: number[][] }>(
      'predict_state_dict.py',
      {
        arch_module_dir: scratch.pyPath,
        arch: spec,
        state_dict: `${scratch.pyPath}/${name}`,
        points,
      },
    );
    expect(out.keys).toEqual([
      ['0.weight', 'float32', [16, 2]],
      ['0.bias', 'float32', [16]],
      ['2.weight', 'float32', [3, 16]],
      ['2.bias', 'float32', [3]],
    ]);
    // The page did not train on while the file was made.
    expect(await app.evaluate((a) => a.step)).toBe(step);
    const classes = 3;
    let worst = 0;
    out.logits.forEach((row, r) => {
      const mine = pageLogits.slice(r * classes, (r + 1) * classes);
      for (let c = 0; c < classes; c++)
        worst = Math.max(worst, Math.abs((row[c] as number) - (mine[c] as number)));
      expect(argmax(mine), `argmax at point ${r}`).toBe(argmax(row));
    });
    expect(out.logits).toHaveLength(points.length);
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it("shows PyTorch's held-out accuracy after a checkpoint PyTorch trained is dropped on the page", async () => {
    // The page's data, from pthlab's generator in Node: the same setup gives the same rows and split.
    const sandbox = await Sandbox.create(setup);
    expect(await app.evaluate((a) => a.spec)).toEqual(sandbox.spec);
    const data = new Map<string, StoredTensor>([
      ['train_x', float32(sandbox.train.x, [sandbox.train.n, sandbox.train.features])],
      ['train_y', int64(sandbox.train.y)],
      ['held_x', float32(sandbox.heldOut.x, [sandbox.heldOut.n, sandbox.heldOut.features])],
      ['held_y', int64(sandbox.heldOut.y)],
    ]);
    writeFileSync(join(scratch.hostPath, 'spirals.safetensors'), writeSafetensors(data, { format: 'pt' }));
    const trained = await torch<{ correct: number; n: number; accuracy: number }>('train_spirals.py', {
      arch_module_dir: scratch.pyPath,
      arch: sandbox.spec,
      data: `${scratch.pyPath}/spirals.safetensors`,
      out: `${scratch.pyPath}/torch_spirals.pth`,
      epochs: 100,
      batch_size: 64,
      lr: 0.05,
      seed: 0,
    });
    expect(trained.n).toBe(sandbox.heldOut.n);
    // Three classes: chance is 33%.
    expect(trained.accuracy, 'PyTorch learned the spirals').toBeGreaterThan(0.7);
    // So that the status line cannot pass by staying as it was.
    const before = await app.evaluate((a) => a.evaluate());
    expect(Math.round((before.accuracy ?? NaN) * trained.n)).not.toBe(trained.correct);
    const bytes = readFileSync(join(scratch.hostPath, 'torch_spirals.pth'));
    await page.evaluate((b64: string) => {
      const file = new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'torch_spirals.pth');
      const transfer = new DataTransfer();
      transfer.items.add(file);
      for (const type of ['dragover', 'drop'])
        document.body.dispatchEvent(
          new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
    }, bytes.toString('base64'));
    const loaded = await page.waitForSelector('pth-checkpoint-bar >>> [role=status]');
    expect(await loaded?.evaluate((el) => el.textContent)).toBe(
      'Loaded 4 tensors from torch_spirals.pth (state_dict).',
    );
    const expected = `accuracy ${formatPercent(trained.accuracy)}`;
    await page
      .waitForFunction(
        (text: string) => document.querySelector('pth-status')?.shadowRoot?.textContent?.includes(text),
        { timeout: 30_000 },
        expected,
      )
      .catch(() => undefined);
    expect(await statusText(page)).toContain(` · ${expected}`);
    const evaluation = await app.evaluate((a) => a.evaluate());
    expect(Math.round((evaluation.accuracy ?? NaN) * trained.n)).toBe(trained.correct);
    await page.screenshot({ path: join(artifacts, 'torch-roundtrip.png'), fullPage: true });
    expect(page.url()).toContain(`?${serializeSetup(setup)}`);
  });

  it('logged no console errors', () => {
    expect(session.errors).toEqual([]);
  });
});

function argmax(row: readonly number[]): number {
  let best = 0;
  for (let c = 1; c < row.length; c++) if ((row[c] as number) > (row[best] as number)) best = c;
  return best;
}
