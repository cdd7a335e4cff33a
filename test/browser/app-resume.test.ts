/**
 * The sandbox page's training controls and checkpoint resumes, end to end in headless Chromium with files that
 * real torch 2.6 wrote (test/torch/py/browser/general_checkpoint.py, from the page's own moons rows):
 *   a. batch size and weight decay are form inputs, driven by the keyboard, that reach the URL and the
 *      optimizer (the page's "Save checkpoint" shows its param_groups); picking a preset drops an `arch`,
 *      other changes keep it;
 *   b. files that fail (optimizer state in two param groups, bytes that are no checkpoint) change nothing:
 *      the same sandbox, weights, URL and form;
 *   c. a checkpoint torch saved with SGD, dropped on a page set to Adam, resumes with SGD, the file's
 *      hyperparameters, momentum buffers and step (the form and URL follow), and one more step on the page
 *      equals one more step of examples/pytorch/resume.py;
 *   d. a checkpoint of another architecture (from PyTorch alone: no `pthlab` entry, AdamW told from its
 *      param_groups) shows PyTorch's errors and offers its architecture; switching makes the page's model
 *      and optimizer the file's (torch's held-out outputs, Adam moments), and the URL carries the `arch`;
 *      an offered architecture that does not fit the data changes nothing when pressed; a checkpoint
 *      without `arch` offers nothing.
 * No console errors. Screenshot of the offer: test-artifacts/app-arch-offer.png.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PyDict,
  PyTuple,
  type PyValue,
  Storage,
  StoredTensor,
  dtypeInfo,
  loadCheckpoint,
  saveTorchZip,
  writeSafetensors,
} from '../../src/checkpoint/index.ts';
import { type ModuleSpec, buildModule, toPyStateDict } from '../../src/nn/index.ts';
import { type GeneralCheckpoint, readGeneralCheckpoint } from '../../src/train/index.ts';
import { Sandbox } from '../../src/train/sandbox.ts';
import { formatPercent } from '../../src/ui/shared.styles.ts';
import { type Setup, parseSetup, serializeSetup } from '../../src/train/setup.ts';
import { repoRoot } from '../torch/fixtures.ts';
import { runTorch, scratchDir } from '../torch/harness.ts';
import { runExample, stageExamples } from '../torch/roundtrip/measure.ts';
import { type BrowserSession, allowDownloads, saveFromMenu, startBrowser } from './browser.ts';

const artifacts = join(repoRoot, 'test-artifacts');
const downloads = join(artifacts, 'app-resume-downloads');

const query = 'dataset=moons&preset=mlp&optim=adam&lr=0.05&seed=2';
const setup = parseSetup(query).setup;

/** What torch trains for (c): every setting differs from the page's and from what (a) typed. */
const sgdRun = { lr: 0.02, momentum: 0.9, weight_decay: 0.0005, batch: 24, steps: 30 };
/** The architecture of (d), and its AdamW run. */
const otherArch: ModuleSpec = {
  type: 'Sequential',
  layers: [
    { type: 'Linear', in_features: 2, out_features: 32 },
    { type: 'Tanh' },
    { type: 'Linear', in_features: 32, out_features: 2 },
  ],
};
const adamwRun = { lr: 0.01, weight_decay: 0.01, batch: 32, steps: 40 };

interface PageApp {
  step: number;
  spec: ModuleSpec;
  setup: Setup;
  optimizer: object;
  logits(x: Float32Array, rows: number): Promise<Float32Array>;
}
type PageGlobals = { pthlab: { app: PageApp; ready?: boolean } };

const statusText = (page: Page) => page.$eval('pth-status >>> [role=status]', (el) => el.textContent ?? '');

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as { pthlab?: { ready?: boolean } }).pthlab?.ready === true, {
    timeout: 60_000,
  });
}

function float32(values: ArrayLike<number>, shape: number[]): StoredTensor {
  const data = Float32Array.from(values);
  return new StoredTensor(new Storage(dtypeInfo('float32'), new Uint8Array(data.buffer)), shape);
}

function int64(values: ArrayLike<number>): StoredTensor {
  const data = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
  return new StoredTensor(new Storage(dtypeInfo('int64'), new Uint8Array(data.buffer)), [values.length]);
}

/** A checkpoint value as plain JSON-like data (tensors as number arrays), for deep equality. */
function plain(v: PyValue | undefined): unknown {
  if (v instanceof StoredTensor) return Array.from(v.toTypedArray() as ArrayLike<number | bigint>, Number);
  if (v instanceof PyDict) return [...v].map(([k, x]) => [plain(k as PyValue), plain(x)]);
  if (v instanceof PyTuple) return v.items.map(plain);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'bigint') return Number(v);
  return v;
}

/** The flat float values of every tensor in a dict of tensors (a state_dict or one optimizer state). */
function tensorValues(dict: PyDict): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [k, v] of dict) if (v instanceof StoredTensor) out.set(String(k), plain(v) as number[]);
  return out;
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  a.forEach((x, i) => {
    const d = Math.abs(x - (b[i] as number));
    if (!(d <= worst)) worst = d; // NaN stays and fails
  });
  return worst;
}

function argmax(row: readonly number[]): number {
  let best = 0;
  for (let c = 1; c < row.length; c++) if ((row[c] as number) > (row[best] as number)) best = c;
  return best;
}

/** Drops a file on the page; resolves to the checkpoint bar's pth-loaded or pth-error. */
async function dropFile(
  page: Page,
  name: string,
  bytes: Uint8Array,
): Promise<{ type: string; message: string }> {
  return page.evaluate(
    (fileName: string, b64: string) => {
      const file = new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], fileName);
      const done = new Promise<{ type: string; message: string }>((resolve) => {
        for (const type of ['pth-loaded', 'pth-error'])
          document.addEventListener(
            type,
            (e) => resolve({ type, message: (e as CustomEvent<{ message: string }>).detail.message }),
            { once: true },
          );
      });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      for (const type of ['dragover', 'drop'])
        document.body.dispatchEvent(
          new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
      return done;
    },
    name,
    Buffer.from(bytes).toString('base64'),
  );
}

/**
 * Starts listening in the page for the first of `types` from the checkpoint bar, and only then returns: the
 * action that fires it (a key press, a click) can follow without racing the listener. The returned
 * function waits for the event's message, or says that none came within a minute.
 */
async function nextBarEvent(page: Page, types: readonly string[]): Promise<() => Promise<string>> {
  await page.evaluate((names: readonly string[]) => {
    (globalThis as { nextBarEvent?: Promise<string> }).nextBarEvent = new Promise<string>((resolve) => {
      setTimeout(() => resolve(`no ${names.join(' or ')} within a minute`), 60_000);
      for (const type of names)
        document.addEventListener(
          type,
          (e) => resolve((e as CustomEvent<{ message: string }>).detail.message),
          { once: true },
        );
    });
  }, types);
  return () =>
    page.evaluate(() => (globalThis as { nextBarEvent?: Promise<string> }).nextBarEvent as Promise<string>);
}

describe('the sandbox page: training controls and resuming checkpoints', () => {
  let session: BrowserSession;
  let page: Page;
  let scratch: ReturnType<typeof scratchDir>;
  let sandbox: Sandbox;
  /** The page's held-out rows, flattened, and their count. */
  let held: { x: number[]; y: number[]; n: number };
  let sgdFile: Uint8Array;
  let sgdHeldLogits: number[][];
  let twoGroupsFile: Uint8Array;
  let otherFile: Uint8Array;
  let otherHeldLogits: number[][];

  /** general_checkpoint.py under torch 2.6: writes `out` in the scratch dir, returns torch's held-out logits. */
  async function torchCheckpoint(out: string, cfg: object): Promise<number[][]> {
    const stdout = await runTorch('2.6', 'browser/general_checkpoint.py', [
      JSON.stringify({
        arch_module_dir: scratch.pyPath,
        data: `${scratch.pyPath}/moons.safetensors`,
        out: `${scratch.pyPath}/${out}`,
        seed: 0,
        two_groups: false,
        pthlab: null,
        ...cfg,
      }),
    ]);
    return (JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { held_logits: number[][] }).held_logits;
  }

  /** Clicks "Save checkpoint" and reads the download. */
  async function savedCheckpoint(): Promise<GeneralCheckpoint> {
    const step = await page.evaluate(() => (globalThis as unknown as PageGlobals).pthlab.app.step);
    const name = join(downloads, `moons_mlp_checkpoint_step${step}.pth`);
    rmSync(name, { force: true });
    await saveFromMenu(page, 'Save checkpoint');
    for (let i = 0; i < 100 && !existsSync(name); i++) await new Promise((r) => setTimeout(r, 100));
    return readGeneralCheckpoint(loadCheckpoint(new Uint8Array(readFileSync(name))).value);
  }

  const heldLogits = (): Promise<number[]> =>
    page.evaluate(
      async (x: number[], n: number) =>
        Array.from(await (globalThis as unknown as PageGlobals).pthlab.app.logits(Float32Array.from(x), n)),
      held.x,
      held.n,
    );

  const formValues = () =>
    page.$$eval('#setup select, #setup input', (els) => els.map((el) => (el as HTMLInputElement).value));

  beforeAll(async () => {
    rmSync(downloads, { recursive: true, force: true });
    mkdirSync(downloads, { recursive: true });
    scratch = scratchDir('2.6');
    stageExamples(scratch.hostPath);
    // The page's rows, from pthlab's generator in Node: the same setup gives the same rows and split.
    sandbox = await Sandbox.create(setup);
    held = { x: Array.from(sandbox.heldOut.x), y: Array.from(sandbox.heldOut.y), n: sandbox.heldOut.n };
    const data = new Map<string, StoredTensor>([
      ['x', float32(sandbox.train.x, [sandbox.train.n, 2])],
      ['y', int64(sandbox.train.y)],
      ['held_x', float32(sandbox.heldOut.x, [sandbox.heldOut.n, 2])],
    ]);
    writeFileSync(join(scratch.hostPath, 'moons.safetensors'), writeSafetensors(data, { format: 'pt' }));
    const sgd = {
      arch: sandbox.spec,
      optimizer: 'sgd',
      options: { lr: sgdRun.lr, momentum: sgdRun.momentum, weight_decay: sgdRun.weight_decay },
      steps: sgdRun.steps,
      batch_size: sgdRun.batch,
      pthlab: {
        version: 'torch',
        optimizer: 'sgd',
        loss_fn: 'cross_entropy',
        batch_size: sgdRun.batch,
        seed: setup.seed,
        shuffle: true,
      },
    };
    sgdHeldLogits = await torchCheckpoint('sgd.pth', sgd);
    await torchCheckpoint('two_groups.pth', { ...sgd, two_groups: true, steps: 3 });
    otherHeldLogits = await torchCheckpoint('other_arch.pth', {
      arch: otherArch,
      optimizer: 'adamw',
      options: { lr: adamwRun.lr, weight_decay: adamwRun.weight_decay },
      steps: adamwRun.steps,
      batch_size: adamwRun.batch,
    });
    const read = (name: string) => new Uint8Array(readFileSync(join(scratch.hostPath, name)));
    sgdFile = read('sgd.pth');
    twoGroupsFile = read('two_groups.pth');
    otherFile = read('other_arch.pth');

    session = await startBrowser();
    page = await session.open(`/?${query}`);
    await page.setViewport({ width: 1200, height: 900 });
    await allowDownloads(page, downloads);
    await ready(page);
  });
  afterAll(async () => {
    await session?.close();
    scratch?.cleanup();
  });

  it('takes batch size and weight decay from the keyboard into the URL and the optimizer', async () => {
    expect(await formValues()).toEqual(['moons', 'mlp', 'adam', '0.05', '0', '32', '2']);
    for (const [name, value] of [
      ['wd', '0.001'],
      ['batch', '16'],
    ] as const) {
      await page.focus(`#setup input[name=${name}]`);
      await page.keyboard.down('Control');
      await page.keyboard.press('a');
      await page.keyboard.up('Control');
      await page.keyboard.type(value);
    }
    await page.keyboard.press('Enter');
    const expected = serializeSetup({ ...setup, wd: 0.001, batch: 16 });
    await page.waitForFunction((q: string) => location.search === `?${q}`, {}, expected);
    expect(await formValues()).toEqual(['moons', 'mlp', 'adam', '0.05', '0.001', '16', '2']);
    const ck = await savedCheckpoint();
    const groups = ck.optimizerStateDict?.get('param_groups') as PyDict[];
    expect(groups).toHaveLength(1);
    expect(groups[0]?.get('weight_decay')).toBe(0.001);
    expect(ck.run).toMatchObject({ optimizer: 'adam', batchSize: 16 });
  });

  it('drops the own architecture when another preset is picked, and keeps it for other changes', async () => {
    const custom: ModuleSpec = {
      type: 'Sequential',
      layers: [
        { type: 'Linear', in_features: 2, out_features: 8 },
        { type: 'Tanh' },
        { type: 'Linear', in_features: 8, out_features: 2 },
      ],
    };
    await page.goto(`${session.baseUrl}/?${query}&arch=${encodeURIComponent(JSON.stringify(custom))}`);
    await ready(page);
    const arch = () => page.evaluate(() => new URLSearchParams(location.search).get('arch'));
    const spec = () => page.evaluate(() => (globalThis as unknown as PageGlobals).pthlab.app.spec);
    expect(await spec()).toEqual(custom);
    await page.focus('#setup input[name=lr]');
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.type('0.02');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.search.includes('lr=0.02'));
    expect(JSON.parse((await arch()) ?? 'null')).toEqual(custom);
    expect(await spec()).toEqual(custom);
    await page.select('#setup select[name=preset]', 'deep');
    await page.focus('#setup button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.search.includes('preset=deep'));
    expect(await arch()).toBeNull();
    expect(((await spec()).layers as unknown[]).length).toBe(7);
    await page.goto(`${session.baseUrl}/?${query}`);
    await ready(page);
  });

  it('changes nothing when a file fails to load', async () => {
    const before = {
      url: page.url(),
      form: await formValues(),
      logits: await heldLogits(),
      app: await page.evaluateHandle(() => (globalThis as unknown as PageGlobals).pthlab.app),
    };
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    for (const [name, bytes, why] of [
      ['two_groups.pth', twoGroupsFile, 'loaded state dict has a different number of parameter groups'],
      ['broken.pth', garbage, ''],
    ] as const) {
      const result = await dropFile(page, name, bytes);
      expect(result.type, `${name}: ${result.message}`).toBe('pth-error');
      expect(result.message).toContain(why);
      expect(await page.$eval('pth-checkpoint-bar >>> [role=alert]', (el) => el.textContent)).toContain(name);
      expect(await page.$('pth-checkpoint-bar >>> .offer')).toBeNull();
      expect(page.url()).toBe(before.url);
      expect(await formValues()).toEqual(before.form);
      expect(
        await page.evaluate((app) => app === (globalThis as unknown as PageGlobals).pthlab.app, before.app),
      ).toBe(true);
      expect(await heldLogits()).toEqual(before.logits);
    }
    expect(await page.evaluate((app) => app.step, before.app)).toBe(0);
  });

  it('resumes a checkpoint torch saved with SGD on a page set to Adam, as PyTorch would', async () => {
    const result = await dropFile(page, 'sgd.pth', sgdFile);
    expect(result.type, result.message).toBe('pth-loaded');
    const settings = `sgd (lr ${sgdRun.lr}, momentum ${sgdRun.momentum}, weight decay ${sgdRun.weight_decay}, batch ${sgdRun.batch})`;
    const status = await statusText(page);
    expect(status.startsWith(`step ${sgdRun.steps} · `), status).toBe(true);
    expect(status.endsWith(` · resumed at step ${sgdRun.steps} with ${settings} from the file`), status).toBe(
      true,
    );
    const resumedSetup = {
      ...setup,
      optim: 'sgd',
      lr: sgdRun.lr,
      wd: sgdRun.weight_decay,
      batch: sgdRun.batch,
    } as const;
    expect(page.url()).toContain(`?${serializeSetup(resumedSetup)}`);
    expect(await formValues()).toEqual(['moons', 'mlp', 'sgd', '0.02', '0.0005', '24', '2']);
    // The weights: torch's own outputs on the held-out rows.
    expect(maxAbsDiff(await heldLogits(), sgdHeldLogits.flat())).toBeLessThanOrEqual(1e-5);
    // The optimizer: torch's param_groups and momentum buffers, exactly, at the file's step.
    const file = readGeneralCheckpoint(loadCheckpoint(sgdFile).value);
    const saved = await savedCheckpoint();
    expect(saved.step).toBe(sgdRun.steps);
    expect(saved.run).toMatchObject({ optimizer: 'sgd', batchSize: sgdRun.batch });
    expect(plain(saved.optimizerStateDict?.get('param_groups'))).toEqual(
      plain(file.optimizerStateDict?.get('param_groups')),
    );
    const buffers = plain(saved.optimizerStateDict?.get('state'));
    expect(buffers).toEqual(plain(file.optimizerStateDict?.get('state')));
    expect(JSON.stringify(buffers)).toContain('momentum_buffer');

    // One more step on the page equals one more step of examples/pytorch/resume.py on the same file.
    await page.focus('#step');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (step: number) =>
        document.querySelector('pth-status')?.shadowRoot?.textContent?.startsWith(`step ${step} `),
      {},
      sgdRun.steps + 1,
    );
    const printed = await runExample('2.6', `${scratch.pyPath}/resume.py`, [
      ...[`${scratch.pyPath}/sgd.pth`, `${scratch.pyPath}/moons.safetensors`, '--steps', '1'],
      ...['--out', `${scratch.pyPath}/sgd_step.pth`],
    ]);
    expect(printed).toContain(`resume.py: step ${sgdRun.steps + 1}`);
    const torchStep = readGeneralCheckpoint(
      loadCheckpoint(new Uint8Array(readFileSync(join(scratch.hostPath, 'sgd_step.pth')))).value,
    );
    const pageStep = await savedCheckpoint();
    expect(pageStep.step).toBe(sgdRun.steps + 1);
    const torchWeights = tensorValues(torchStep.modelStateDict);
    const pageWeights = tensorValues(pageStep.modelStateDict);
    expect([...pageWeights.keys()]).toEqual([...torchWeights.keys()]);
    for (const [key, values] of torchWeights)
      expect(maxAbsDiff(pageWeights.get(key) ?? [], values), key).toBeLessThanOrEqual(1e-5);
    const torchState = torchStep.optimizerStateDict?.get('state') as PyDict;
    const pageState = pageStep.optimizerStateDict?.get('state') as PyDict;
    for (const [id, st] of torchState) {
      const mine = tensorValues(pageState.get(id) as PyDict).get('momentum_buffer') ?? [];
      const theirs = tensorValues(st as PyDict).get('momentum_buffer') ?? [];
      expect(theirs.length).toBeGreaterThan(0);
      expect(maxAbsDiff(mine, theirs), `momentum_buffer ${String(id)}`).toBeLessThanOrEqual(1e-5);
    }
  });

  it("offers a file's own architecture and, when asked, switches to it and loads the file", async () => {
    const result = await dropFile(page, 'other_arch.pth', otherFile);
    expect(result.type).toBe('pth-error');
    const alert = await page.$eval('pth-checkpoint-bar >>> [role=alert]', (el) => el.textContent ?? '');
    expect(alert).toContain('Error(s) in loading state_dict for Sequential:');
    expect(alert).toContain(
      'size mismatch for 0.weight: copying a param with shape torch.Size([32, 2]) from checkpoint, ' +
        'the shape in current model is torch.Size([16, 2]).',
    );
    const offer = await page.waitForSelector('pth-checkpoint-bar >>> .offer');
    expect(await offer?.evaluate((el) => el.textContent?.replace(/\s+/g, ' ').trim())).toBe(
      "other_arch.pth carries its architecture: Sequential of 3: Linear(2, 32), Tanh, Linear(32, 2) Switch to the file's architecture",
    );
    await page.screenshot({ path: join(artifacts, 'app-arch-offer.png'), fullPage: true });
    // Nothing changed yet.
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).pthlab.app.step)).toBe(
      sgdRun.steps + 1,
    );

    const button = await page.$('aria/Switch to the file\'s architecture[role="button"]');
    expect(button).not.toBeNull();
    await button?.focus();
    const loaded = await nextBarEvent(page, ['pth-loaded']);
    await page.keyboard.press('Enter');
    const message =
      "Switched to the file's architecture and loaded other_arch.pth: resumed at step 40 with adamw " +
      `(lr ${adamwRun.lr}, weight decay ${adamwRun.weight_decay}, batch ${sgdRun.batch}) from the file.`;
    expect(await loaded()).toBe(message);
    expect(await page.$eval('pth-checkpoint-bar >>> [role=status]', (el) => el.textContent)).toBe(message);
    expect(await page.$('pth-checkpoint-bar >>> .offer')).toBeNull();
    const app = await page.evaluate(() => {
      const a = (globalThis as unknown as PageGlobals).pthlab.app;
      return { spec: a.spec, optim: a.setup.optim, step: a.step };
    });
    expect(app).toEqual({ spec: otherArch, optim: 'adamw', step: adamwRun.steps });
    const url = new URL(page.url());
    expect(JSON.parse(url.searchParams.get('arch') ?? 'null')).toEqual(otherArch);
    expect(url.searchParams.get('optim')).toBe('adamw');
    // The page's model is the file's: torch's outputs and predictions on the held-out rows, and its accuracy.
    const mine = await heldLogits();
    expect(maxAbsDiff(mine, otherHeldLogits.flat())).toBeLessThanOrEqual(1e-5);
    const predicted = (logits: number[][]) => logits.map(argmax);
    const rows = Array.from({ length: held.n }, (_, r) => mine.slice(r * 2, r * 2 + 2));
    expect(predicted(rows)).toEqual(predicted(otherHeldLogits));
    const correct = predicted(otherHeldLogits).filter((c, r) => c === held.y[r]).length;
    expect(await statusText(page)).toContain(`accuracy ${formatPercent(correct / held.n)}`);
    // And its optimizer: AdamW's moments and step counts, exactly.
    const file = readGeneralCheckpoint(loadCheckpoint(otherFile).value);
    const saved = await savedCheckpoint();
    expect(plain(saved.optimizerStateDict?.get('param_groups'))).toEqual(
      plain(file.optimizerStateDict?.get('param_groups')),
    );
    expect(plain(saved.optimizerStateDict?.get('state'))).toEqual(
      plain(file.optimizerStateDict?.get('state')),
    );
  });

  it('changes nothing when the offered architecture does not fit the data', async () => {
    const unfit: ModuleSpec = {
      type: 'Sequential',
      layers: [{ type: 'Linear', in_features: 2, out_features: 5 }],
    };
    const bytes = saveTorchZip(
      new PyDict('dict', [
        ['step', 7n],
        ['model_state_dict', await toPyStateDict(buildModule(unfit))],
        ['arch', JSON.stringify(unfit)],
      ]),
    );
    const before = {
      url: page.url(),
      logits: await heldLogits(),
      app: await page.evaluateHandle(() => (globalThis as unknown as PageGlobals).pthlab.app),
    };
    expect((await dropFile(page, 'unfit.pth', bytes)).type).toBe('pth-error');
    const button = await page.waitForSelector('aria/Switch to the file\'s architecture[role="button"]');
    const failed = await nextBarEvent(page, ['pth-error']);
    await button?.click();
    expect(await failed()).toBe('the architecture gives outputs of shape (1, 5); moons needs (1, 2)');
    expect(page.url()).toBe(before.url);
    expect(
      await page.evaluate((app) => app === (globalThis as unknown as PageGlobals).pthlab.app, before.app),
    ).toBe(true);
    expect(await heldLogits()).toEqual(before.logits);
  });

  it('offers nothing for a checkpoint without an architecture', async () => {
    const model = buildModule({
      type: 'Sequential',
      layers: [
        { type: 'Linear', in_features: 2, out_features: 4 },
        { type: 'ReLU' },
        { type: 'Linear', in_features: 4, out_features: 2 },
      ],
    });
    const bytes = saveTorchZip(
      new PyDict('dict', [
        ['step', 5n],
        ['model_state_dict', await toPyStateDict(model)],
      ]),
    );
    const before = page.url();
    const result = await dropFile(page, 'no_arch.pth', bytes);
    expect(result.type).toBe('pth-error');
    expect(result.message).toContain('size mismatch for 0.weight');
    expect(await page.$('pth-checkpoint-bar >>> .offer')).toBeNull();
    expect(page.url()).toBe(before);
  });

  it('logged no console errors', () => {
    expect(session.errors).toEqual([]);
  });
});
