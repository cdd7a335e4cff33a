/**
 * tools.html and tutorial.html in headless Chromium: two general checkpoints trained here with pthlab's
 * Trainer on a seeded dataset are loaded into the page; α = 0 and α = 1 reproduce each file's own loss as
 * computed in Node with the same library; the line has its 41 points; averaging the two files downloads the
 * elementwise mean (read back with loadCheckpoint); an incompatible file is refused with an error naming the
 * key and nothing changes; the importance chart shows A's layers; the model-management sections fold BatchNorm
 * (outputs equal within 1e-4, a wrong fold's accuracy reported), align B to A (a lower loss barrier, the averaged
 * aligned model downloaded as the midpoint of A and B aligned in Node), prune A along a sparsity curve, and
 * download A as a whole model; the page fits a phone's width; the tutorial page shows every heading of
 * docs/tutorial.md; axe-core finds nothing serious or critical on either page; no console errors.
 * Screenshots go to test-artifacts/.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PyDict,
  type StoredTensor,
  loadCheckpoint,
  saveTorchZip,
  writeSafetensors,
} from '../../src/checkpoint/index.ts';
import { buildModule, toPyStateDict } from '../../src/nn/index.ts';
import { Adam } from '../../src/optim/index.ts';
import { alignStateDicts } from '../../src/analysis/index.ts';
import { Generator, cpu, fromHost, noGrad } from '../../src/tensor/index.ts';
import { makeSynthetic, toTrainDataset } from '../../src/train/datasets/index.ts';
import {
  Trainer,
  buildGeneralCheckpoint,
  computeLoss,
  loadModelState,
  readGeneralCheckpoint,
} from '../../src/train/index.ts';
import { presetSpec } from '../../src/train/presets.ts';
import { seriousViolations } from './axe.ts';
import { type BrowserSession, allowDownloads, startBrowser } from './browser.ts';

const artifacts = join(process.cwd(), 'test-artifacts');
const files = join(artifacts, 'tools-files');
const downloads = join(artifacts, 'tools-downloads');
const settings = { dataset: 'spirals', seed: 5, n: 120, noise: 0.1 } as const;
const data = makeSynthetic(settings.dataset, { n: settings.n, seed: settings.seed, noise: settings.noise });
const spec = presetSpec('mlp', { features: 2, outputs: 3 });

/** A general checkpoint of the mlp preset after `steps` Adam steps from seed `seed`. */
async function trained(seed: number, steps: number): Promise<Uint8Array> {
  const model = buildModule(spec, { backend: cpu, generator: new Generator(seed) });
  const optimizer = new Adam(model.parameters(), { lr: 0.02 });
  const run = { optimizer: 'adam', lossFn: 'cross_entropy', batchSize: 32, seed, shuffle: false };
  const trainer = new Trainer({
    model,
    optimizer,
    data: toTrainDataset(data),
    batchSize: run.batchSize,
    loss: 'cross_entropy',
    backend: cpu,
  });
  await trainer.run(steps);
  const ck = await buildGeneralCheckpoint({
    model,
    optimizer,
    step: trainer.step,
    epoch: trainer.epoch,
    loss: trainer.lastLoss,
    arch: spec,
    run,
  });
  return saveTorchZip(ck);
}

/** The file's loss on the data, as Node computes it: its arch, its weights, cross-entropy over every row. */
async function nodeLoss(bytes: Uint8Array): Promise<number> {
  const ck = readGeneralCheckpoint(loadCheckpoint(bytes).value);
  const model = buildModule(ck.arch!, { backend: cpu });
  loadModelState(model, ck.modelStateDict, cpu);
  model.eval();
  const x = fromHost(data.x, [data.n, data.features], { backend: cpu });
  const y = fromHost(data.y, [data.n], { backend: cpu });
  const loss = noGrad(() => computeLoss('cross_entropy', model.forward(x), y));
  return (await loss.data())[0] as number;
}

const floats = (sd: PyDict, key: string) =>
  Array.from((sd.get(key) as StoredTensor).toTypedArray() as Float32Array);

async function waitForFile(path: string): Promise<Uint8Array> {
  for (let i = 0; i < 100; i++) {
    if (existsSync(path)) return new Uint8Array(readFileSync(path));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no download at ${path}`);
}

const text = (page: Page, selector: string) => page.$eval(selector, (el) => (el.textContent ?? '').trim());

/** The result line's α and exact loss, once it shows `alpha`. */
async function resultAt(page: Page, alpha: string): Promise<{ loss: number; accuracy: number }> {
  await page.waitForFunction(
    (a) => document.getElementById('alpha-result')?.dataset['alpha'] === a,
    {},
    alpha,
  );
  return page.$eval('#alpha-result', (el) => ({
    loss: Number((el as HTMLElement).dataset['loss']),
    accuracy: Number((el as HTMLElement).dataset['accuracy']),
  }));
}

describe('the tools and tutorial pages', () => {
  let session: BrowserSession;
  let page: Page;
  const paths = { a: join(files, 'a.pth'), b: join(files, 'b.pth'), bad: join(files, 'wide.safetensors') };
  let bytesA: Uint8Array;
  let bytesB: Uint8Array;

  beforeAll(async () => {
    for (const dir of [files, downloads]) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
    bytesA = await trained(1, 30);
    bytesB = await trained(2, 60);
    writeFileSync(paths.a, bytesA);
    writeFileSync(paths.b, bytesB);
    // Same keys, but a hidden layer of 8 instead of 16: incompatible with A and B.
    const wide = buildModule(
      {
        type: 'Sequential',
        layers: [
          { type: 'Linear', in_features: 2, out_features: 8 },
          { type: 'ReLU' },
          { type: 'Linear', in_features: 8, out_features: 3 },
        ],
      },
      { backend: cpu, generator: new Generator(3) },
    );
    const tensors = [...(await toPyStateDict(wide))].map(
      ([k, t]) => [String(k), t as StoredTensor] as [string, StoredTensor],
    );
    writeFileSync(paths.bad, writeSafetensors(tensors, { format: 'pt' }));

    session = await startBrowser();
    page = await session.open('/tools.html');
    await page.setViewport({ width: 1100, height: 1400 });
    await allowDownloads(page, downloads);
    await page.waitForSelector('body[data-ready]');
  });
  afterAll(async () => {
    await session?.close();
  });

  it('labels its controls', async () => {
    const names = await page.evaluate(() =>
      ['file-a', 'file-b', 'alpha', 'average-files', 'average-weights'].map((id) => {
        const el = document.getElementById(id) as HTMLInputElement;
        return el.getAttribute('aria-label') ?? el.labels?.[0]?.textContent?.trim() ?? '';
      }),
    );
    expect(names).toEqual([
      'Checkpoint A',
      'Checkpoint B',
      'α, the share of B',
      'Checkpoints to average',
      'Weights (optional, one per file)',
    ]);
  });

  it('reproduces each file at α = 0 and α = 1, and draws the whole line', async () => {
    await page.evaluate((s) => {
      const form = document.getElementById('data') as HTMLFormElement;
      for (const [k, v] of Object.entries(s))
        (form.elements.namedItem(k) as HTMLInputElement).value = String(v);
      form.dispatchEvent(new Event('change'));
    }, settings);
    await page.waitForFunction(() => document.getElementById('info-a')?.textContent === 'A: none loaded.');
    const fileA = (await page.$('input#file-a'))!;
    await fileA.uploadFile(paths.a);
    await page.waitForFunction(() => document.getElementById('info-a')?.textContent?.includes('a.pth'));
    const fileB = (await page.$('input#file-b'))!;
    await fileB.uploadFile(paths.b);
    await page.waitForFunction(() => document.getElementById('info-b')?.textContent?.includes('b.pth'));
    expect(await text(page, '#info-a')).toContain(
      'general checkpoint of 4 tensors, scored with its own arch',
    );

    const [lossA, lossB] = [await nodeLoss(bytesA), await nodeLoss(bytesB)];
    expect(lossA).not.toBeCloseTo(lossB, 3);
    const atA = await resultAt(page, '0');
    expect(atA.loss).toBeCloseTo(lossA, 6);
    expect(atA.accuracy).toBeGreaterThan(0);

    // By keyboard: 20 steps of 0.05 take α from 0 to 1.
    await page.focus('#alpha');
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
    const atB = await resultAt(page, '1');
    expect(atB.loss).toBeCloseTo(lossB, 6);
    expect(await text(page, '#alpha-result')).toMatch(/^α = 1 · cross-entropy loss [\d.]+ · accuracy/);

    await page.waitForFunction(() => (document.querySelector('pth-loss-line')?.points.length ?? 0) > 0);
    const line = await page.$eval('pth-loss-line', (el) => el.points.map((p) => [p.alpha, p.loss]));
    expect(line).toHaveLength(41);
    expect(line[0]?.[0]).toBe(-0.5);
    expect(line[40]?.[0]).toBe(1.5);
    expect(line.find(([a]) => a === 0)?.[1]).toBeCloseTo(lossA, 6);
    expect(line.find(([a]) => a === 1)?.[1]).toBeCloseTo(lossB, 6);
    const rows = await page.$eval(
      'pth-loss-line',
      (el) => el.shadowRoot!.querySelectorAll('table[part="table"] tbody tr').length,
    );
    expect(rows).toBe(41);
    await page.$eval('pth-loss-line', (el) =>
      el.shadowRoot!.querySelector('details')!.setAttribute('open', ''),
    );
    await page.screenshot({ path: join(artifacts, 'tools-line.png'), fullPage: true });
  });

  it("shows A's per-layer importance with gradients", async () => {
    await page.waitForFunction(() => document.querySelector('pth-importance')?.layers.length === 2);
    const layers = await page.$eval('pth-importance', (el) =>
      el.layers.map((l) => [l.layer, l.params, l.gradTimesWeight !== undefined]),
    );
    expect(layers).toEqual([
      ['0', 48, true],
      ['2', 51, true],
    ]);
    const caption = await page.$eval(
      'pth-importance',
      (el) => el.shadowRoot!.querySelector('figcaption')!.textContent,
    );
    expect(caption).toMatch(/^2 layers\. Largest mean \|w\|: layer \d/);
    const tableRows = await page.$eval(
      'pth-importance',
      (el) => el.shadowRoot!.querySelectorAll('table[part="table"] tbody tr').length,
    );
    expect(tableRows).toBe(2);
    const section = (await page.$('section[aria-labelledby="h-importance"]'))!;
    await section.screenshot({ path: join(artifacts, 'tools-importance.png') });
  });

  it("compares A's outputs in training and eval mode: this MLP has nothing to switch", async () => {
    await page.waitForFunction(() => document.querySelector('pth-mode-compare')?.comparison !== undefined);
    expect(await page.$eval('pth-mode-compare', (el) => el.summary)).toMatch(
      /^The two modes agree on all \d+ rows/,
    );
    const rows = await page.$eval(
      'pth-mode-compare',
      (el) => el.shadowRoot!.querySelectorAll('table[part="table"] tbody tr').length,
    );
    expect(rows).toBe(4);
  });

  /** Waits until the model-management sections show both A and B (the align result is set last). */
  const manageShown = () =>
    page.waitForFunction(
      () => document.getElementById('align-result')?.dataset['barrierPlain'] !== undefined,
      {
        timeout: 120_000,
      },
    );

  it('folds BatchNorm with equal outputs, and reports the accuracy of a wrong fold', async () => {
    await manageShown();
    const fold = await page.$eval('#fold-result', (el) => ({ ...(el as HTMLElement).dataset }));
    expect(Number(fold['maxDifference'])).toBeLessThan(1e-4);
    expect(Number(fold['foldedAccuracy'])).toBeGreaterThan(0.4);
    expect(fold['wrongAccuracy']).toMatch(/^(0|1|0\.\d+)$/);
    // A has no BatchNorm: the page trained one and says so.
    expect(await text(page, '#fold-source')).toContain('a.pth has no BatchNorm to fold');
    expect(await text(page, '#fold-before')).toContain('BatchNorm1d(16)');
    expect(await text(page, '#fold-after')).not.toContain('BatchNorm');
    expect(await text(page, '#fold-result')).toMatch(/folded wrongly in training mode\.$/);
    const rows = await page.$$eval('#fold-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(rows).toHaveLength(3);
    expect(rows[2]?.[0]).toContain("one batch's statistics");
    const section = (await page.$('section[aria-labelledby="h-fold"]'))!;
    await section.screenshot({ path: join(artifacts, 'tools-fold.png') });
  });

  it('aligns B to A: a lower loss barrier, and the averaged aligned model downloads', async () => {
    const barriers = await page.$eval('#align-result', (el) => ({ ...(el as HTMLElement).dataset }));
    const [plain, aligned] = [Number(barriers['barrierPlain']), Number(barriers['barrierAligned'])];
    expect(plain).toBeGreaterThan(0);
    expect(aligned).toBeLessThan(plain);
    const lines = await page.$eval('pth-loss-line#align-line', (el) =>
      el.lines.map((l) => [l.name, l.points.length, l.points[0]?.alpha, l.points.at(-1)?.alpha]),
    );
    expect(lines).toEqual([
      ['A → B', 21, 0, 1],
      ['A → aligned B', 21, 0, 1],
    ]);
    const caption = await page.$eval(
      '#align-line',
      (el) => el.shadowRoot!.querySelector('figcaption')!.textContent,
    );
    expect(caption).toContain('loss barrier of A → aligned B');

    await page.click('#align-download');
    const ck = readGeneralCheckpoint(
      loadCheckpoint(await waitForFile(join(downloads, 'aligned_average.pth'))).value,
    );
    expect(ck.arch).toEqual(spec);
    const a = readGeneralCheckpoint(loadCheckpoint(bytesA).value).modelStateDict;
    const b = readGeneralCheckpoint(loadCheckpoint(bytesB).value).modelStateDict;
    const alignedB = alignStateDicts(spec, a, b).stateDict;
    expect([...ck.modelStateDict.keys()]).toEqual([...a.keys()]);
    for (const key of a.keys()) {
      const [x, y] = [floats(a, String(key)), floats(alignedB, String(key))];
      const got = floats(ck.modelStateDict, String(key));
      got.forEach((v, i) => expect(v).toBeCloseTo(((x[i] as number) + (y[i] as number)) / 2, 6));
    }
    const section = (await page.$('section[aria-labelledby="h-align"]'))!;
    await section.screenshot({ path: join(artifacts, 'tools-align.png') });
  });

  it('prunes A along a sparsity curve and shares importance by criterion', async () => {
    const curves = await page.$eval('pth-sparsity-curve', (el) =>
      el.curves.map((c) => ({ method: c.method, points: c.points.map((p) => [p.sparsity, p.loss]) })),
    );
    expect(curves.map((c) => c.method)).toEqual(['l1', 'taylor']);
    const lossA = await nodeLoss(bytesA);
    for (const c of curves) {
      expect(c.points).toHaveLength(11);
      expect(c.points[0]?.[0]).toBe(0);
      expect(c.points[0]?.[1]).toBeCloseTo(lossA, 6); // nothing pruned is A itself
      expect(c.points.at(-1)?.[0]).toBe(76 / 80); // 95% of the 80 weights of both Linear layers
    }
    expect(
      await page.$eval(
        'pth-sparsity-curve',
        (el) => el.shadowRoot!.querySelectorAll('table[part="table"] tbody tr').length,
      ),
    ).toBe(11);
    const shares = await page.$eval('pth-importance', (el) => el.shares.map((l) => [l.layer, l.shares]));
    expect(shares.map(([layer]) => layer)).toEqual(['0', '2']);
    for (const method of ['magnitude', 'taylor', 'snip'] as const) {
      const total = shares.reduce((sum, [, s]) => sum + (s as Record<string, number>)[method]!, 0);
      expect(total).toBeCloseTo(1, 9);
    }
    const section = (await page.$('section[aria-labelledby="h-prune"]'))!;
    await section.screenshot({ path: join(artifacts, 'tools-prune.png') });
  });

  it('shows the lines that load A as a whole model, and downloads it', async () => {
    const code = await text(page, '#whole-code');
    expect(code).toContain("torch.load('model.pth', weights_only=False)");
    expect(code).toContain(
      'with torch.serialization.safe_globals([torch.nn.Sequential, torch.nn.Linear, torch.nn.ReLU]):',
    );
    await page.click('#whole-download');
    const loaded = loadCheckpoint(await waitForFile(join(downloads, 'model.pth')));
    expect(loaded.wholeModelClass).toBeDefined();
    const a = readGeneralCheckpoint(loadCheckpoint(bytesA).value).modelStateDict;
    const sd = loaded.value as PyDict;
    expect([...sd.keys()].map(String)).toEqual([...a.keys()].map(String));
    for (const key of a.keys()) expect(floats(sd, String(key))).toEqual(floats(a, String(key)));
    expect(await text(page, '#whole-result')).toMatch(/^Wrote model\.pth \(\d+ bytes\)/);

    await page.setViewport({ width: 1366, height: 768 });
    await page.screenshot({ path: join(artifacts, 'tools-manage-desktop.png'), fullPage: true });
    // (isMobile would reload the page and lose its files: the width alone is what can overflow.)
    await page.setViewport({ width: 390, height: 844 });
    // Charts size themselves from a ResizeObserver: measure once the narrow layout has settled.
    const overflow = await page.evaluate(async () => {
      for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
      return document.documentElement.scrollWidth - document.documentElement.clientWidth;
    });
    await page.screenshot({ path: join(artifacts, 'tools-manage-phone.png'), fullPage: true });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewport({ width: 1100, height: 1400 });
  });

  it('refuses an incompatible file, naming the key, and changes nothing', async () => {
    const before = await page.$eval('#alpha-result', (el) => (el as HTMLElement).dataset['loss']);
    const refused = await page.evaluate(() => document.body.dataset['refused'] ?? '0');
    const fileB = (await page.$('input#file-b'))!;
    await fileB.uploadFile(paths.bad);
    await page.waitForFunction((r) => (document.body.dataset['refused'] ?? '0') !== r, {}, refused);
    const error = await text(page, '#line-error');
    expect(error).toContain('size mismatch for 0.weight');
    expect(error).toContain('wide.safetensors');
    expect(await text(page, '#info-b')).toContain('b.pth');
    expect(await page.$eval('#file-b', (el) => (el as HTMLInputElement).value)).toBe('');
    expect(await page.$eval('#alpha-result', (el) => (el as HTMLElement).dataset['loss'])).toBe(before);
    expect(await page.$eval('pth-loss-line', (el) => el.points.length)).toBe(41);
    const section = (await page.$('section[aria-labelledby="h-line"]'))!;
    await section.screenshot({ path: join(artifacts, 'tools-refused.png') });

    // Data the model cannot take (sine has one feature, the model wants two): refused, controls restored.
    const refusedData = await page.evaluate(() => document.body.dataset['refused'] ?? '0');
    await page.select('select[name="dataset"]', 'sine');
    await page.waitForFunction((r) => (document.body.dataset['refused'] ?? '0') !== r, {}, refusedData);
    expect(await text(page, '#line-error')).toMatch(/^a\.pth does not fit the architecture and data: /);
    expect(await page.$eval('select[name="dataset"]', (el) => el.value)).toBe('spirals');
    expect(await page.$eval('#alpha-result', (el) => (el as HTMLElement).dataset['loss'])).toBe(before);
  });

  it('averages two files into their elementwise mean', async () => {
    const input = (await page.$('input#average-files'))!;
    await input.uploadFile(paths.a, paths.b);
    await page.click('#average-button');
    const bytes = await waitForFile(join(downloads, 'average.pth'));
    const avg = loadCheckpoint(bytes).value as PyDict;
    const a = readGeneralCheckpoint(loadCheckpoint(bytesA).value).modelStateDict;
    const b = readGeneralCheckpoint(loadCheckpoint(bytesB).value).modelStateDict;
    expect([...avg.keys()]).toEqual([...a.keys()]);
    for (const key of a.keys()) {
      const [x, y] = [floats(a, String(key)), floats(b, String(key))];
      expect(floats(avg, String(key))).toEqual(x.map((v, i) => Math.fround((v + (y[i] as number)) / 2)));
    }
    expect(await text(page, '#average-result')).toContain('Averaged 2 checkpoints (weights 0.5, 0.5)');

    await input.uploadFile(paths.a, paths.bad);
    await page.click('#average-button');
    await page.waitForFunction(() => document.getElementById('average-error')?.textContent !== '');
    expect(await text(page, '#average-error')).toContain('size mismatch for 0.weight');
    expect(await text(page, '#average-result')).toBe('');
    const section = (await page.$('section[aria-labelledby="h-average"]'))!;
    await section.screenshot({ path: join(artifacts, 'tools-average.png') });
  });

  it('axe-core finds no serious or critical violation on the tools page, its results shown', async () => {
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("renders docs/tutorial.md with all of the tutorial's headings", async () => {
    const markdown = readFileSync('docs/tutorial.md', 'utf8');
    const expected = [...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,3} (.+)$/gm)].map(
      (m) => m[1],
    );
    expect(expected.length).toBeGreaterThan(3);
    const tutorial = await session.open('/tutorial.html');
    await tutorial.setViewport({ width: 1000, height: 900 });
    await tutorial.waitForFunction(() => !document.getElementById('tutorial')?.hasAttribute('aria-busy'));
    const headings = await tutorial.$$eval('#tutorial :is(h1, h2, h3)', (hs) => hs.map((h) => h.textContent));
    expect(headings).toEqual(expected);
    expect(await tutorial.$$eval('#tutorial pre code', (c) => c.length)).toBeGreaterThan(5);
    await tutorial.screenshot({ path: join(artifacts, 'tutorial.png') });
    expect(await seriousViolations(tutorial)).toEqual([]);
    await tutorial.close();
  });

  it('logged no console errors', () => {
    expect(session.errors).toEqual([]);
  });
});
