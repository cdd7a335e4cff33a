/**
 * The sandbox's model editor (`<pth-model-editor>` in index.html) end to end in headless Chromium, on spirals:
 * resizing the hidden layer and adding layers from the keyboard updates every row's output shape (checked
 * against pthlab's modules run in Node) and the JSON; misfitting JSON is refused in words with Apply disabled
 * and the model unchanged; a valid edit applied shows in the model summary and the URL (`arch=`), trains,
 * survives a reload, and its "Save state_dict" loads in torch 2.6 with weights_only=True into
 * examples/pytorch/pthlab_arch.py's build(arch). Screenshot: test-artifacts/editor.png.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModuleSpec, buildModule } from '../../src/nn/index.ts';
import { describeShapeError, formatShape, inferShapes } from '../../src/nn/shapes.ts';
import { type Tensor, fromHost, noGrad } from '../../src/tensor/index.ts';
import { presetSpec } from '../../src/train/presets.ts';
import { parseSetup } from '../../src/train/setup.ts';
import { checkFit } from '../../src/ui/model-editor/edit.ts';
import { repoRoot } from '../torch/fixtures.ts';
import { runTorch, scratchDir } from '../torch/harness.ts';
import { type BrowserSession, allowDownloads, saveFromMenu, startBrowser } from './browser.ts';

const artifacts = join(repoRoot, 'test-artifacts');
const downloads = join(artifacts, 'editor-downloads');
const query = 'dataset=spirals&preset=mlp&optim=adam&lr=0.05&seed=4';
const input = [1, 2];
const classes = 3;
const preset = presetSpec('mlp', { features: 2, outputs: classes });

/** Each layer's output shape from pthlab's modules (Node, CPU backend): the reference for the rows. */
function moduleShapes(spec: ModuleSpec): string[] {
  let x: Tensor = fromHost(new Float32Array(input[0]! * input[1]!), input);
  return (spec.layers as ModuleSpec[]).map((layer) => {
    x = noGrad(() => buildModule(layer).eval().forward(x));
    return formatShape(x.shape);
  });
}

interface Row {
  type: string;
  shape: string;
}

const rows = (page: Page): Promise<Row[]> =>
  page.$$eval('pth-model-editor >>> tbody tr[data-row]', (trs) =>
    trs.map((tr) => ({
      type: tr.querySelector('.type')?.textContent?.trim() ?? '',
      shape: tr.querySelector('.shape')?.textContent?.trim() ?? '',
    })),
  );
const jsonText = (page: Page) =>
  page.$eval('pth-model-editor >>> textarea', (el) => (el as HTMLTextAreaElement).value);
const applyDisabled = (page: Page) =>
  page.$eval('pth-model-editor >>> button.apply', (el) => (el as HTMLButtonElement).disabled);
const alerts = (page: Page) =>
  page.$$eval('pth-model-editor >>> [role=alert]', (els) => els.map((el) => el.textContent?.trim() ?? ''));
const appSpec = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { pthlab: { app: { spec: object } } }).pthlab.app.spec);
const statusText = (page: Page) => page.$eval('pth-status >>> [role=status]', (el) => el.textContent ?? '');

const label = (name: string) => `[aria-label="${name}"]`;

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as { pthlab?: { ready?: boolean } }).pthlab?.ready === true, {
    timeout: 60_000,
  });
}

/** Focuses a button of the editor and presses Enter, as a keyboard user would. */
async function press(page: Page, selector: string): Promise<void> {
  const button = await page.waitForSelector(`pth-model-editor >>> ${selector}`);
  await button?.focus();
  await page.keyboard.press('Enter');
}

/** Replaces the text of the focused field or textarea by typing. */
async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  const field = await page.waitForSelector(`pth-model-editor >>> ${selector}`);
  await field?.focus();
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.type(text);
}

/** Polls the editor's JSON until `test` holds (bounded by a count of tries, never a time assertion). */
async function waitForJson(page: Page, test: (spec: ModuleSpec) => boolean): Promise<ModuleSpec> {
  for (let i = 0; i < 200; i++) {
    const spec = JSON.parse(await jsonText(page)) as ModuleSpec;
    if (test(spec)) return spec;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the editor's JSON never matched: ${await jsonText(page)}`);
}

describe('the model editor in the sandbox page', () => {
  let session: BrowserSession;
  let page: Page;
  let edited: ModuleSpec;

  beforeAll(async () => {
    rmSync(downloads, { recursive: true, force: true });
    mkdirSync(downloads, { recursive: true });
    session = await startBrowser();
    page = await session.open(`/?${query}`);
    await page.setViewport({ width: 1200, height: 1000 });
    await allowDownloads(page, downloads);
    await ready(page);
  });
  afterAll(async () => {
    await session?.close();
  });

  it("shows the sandbox's model, one row per layer with its output shape", async () => {
    expect(await appSpec(page)).toEqual(preset);
    expect(JSON.parse(await jsonText(page))).toEqual(preset);
    const shown = await rows(page);
    expect(shown.map((r) => r.type)).toEqual(['Linear', 'ReLU', 'Linear']);
    expect(shown.map((r) => r.shape)).toEqual(moduleShapes(preset));
    expect(await applyDisabled(page)).toBe(true);
  });

  it('gives every control an accessible name', async () => {
    const root = await page.$('pth-model-editor');
    expect(root).not.toBeNull();
    const tree = await page.accessibility.snapshot({ root: root!, interestingOnly: false });
    const controls: { role: string; name: string }[] = [];
    const walk = (node: typeof tree): void => {
      if (node === null) return;
      if (['button', 'spinbutton', 'textbox', 'combobox'].includes(node.role))
        controls.push({ role: node.role, name: node.name ?? '' });
      node.children?.forEach(walk);
    };
    walk(tree);
    // Per row: out_features (Linears) and four buttons; below: the type menu, "add at the start", the JSON,
    // Apply and Revert.
    expect(controls.length).toBeGreaterThanOrEqual(2 + 3 * 4 + 5);
    expect(controls.filter((c) => c.name.trim() === '')).toEqual([]);
  });

  it('resizes the hidden layer from the keyboard; the next layer and the shapes follow', async () => {
    await typeInto(page, label('layer 0 (Linear) out_features'), '24');
    await page.keyboard.press('Enter');
    const spec = await waitForJson(
      page,
      (s) => (s.layers as { out_features?: number }[])[0]?.out_features === 24,
    );
    expect((spec.layers as ModuleSpec[])[2]?.in_features).toBe(24);
    expect((await rows(page)).map((r) => r.shape)).toEqual(moduleShapes(spec));
    expect(await applyDisabled(page)).toBe(false);
  });

  it('adds layers after a row; their input sizes and every shape follow', async () => {
    await press(page, label('Add a Linear after layer 1 (ReLU)'));
    await waitForJson(page, (s) => (s.layers as unknown[]).length === 4);
    const select = await page.$('pth-model-editor >>> select');
    await select?.select('Tanh');
    await press(page, label('Add a Tanh after layer 2 (Linear)'));
    const spec = await waitForJson(page, (s) => (s.layers as unknown[]).length === 5);
    const layers = spec.layers as ModuleSpec[];
    expect(layers.map((l) => l.type)).toEqual(['Linear', 'ReLU', 'Linear', 'Tanh', 'Linear']);
    expect(layers[2]?.in_features).toBe(24);
    expect(layers[4]?.in_features).toBe(layers[2]?.out_features);
    const shown = await rows(page);
    expect(shown.map((r) => r.type)).toEqual(layers.map((l) => l.type));
    expect(shown.map((r) => r.shape)).toEqual(moduleShapes(spec));
    expect(checkFit(spec, input, classes).ok).toBe(true);
    edited = spec;
  });

  it('refuses misfitting JSON in words, with Apply disabled and the model unchanged', async () => {
    const twoOutputs = {
      type: 'Sequential',
      layers: [
        ...(edited.layers as ModuleSpec[]).slice(0, 4),
        { type: 'Linear', in_features: 16, out_features: 2 },
      ],
    };
    await typeInto(page, 'textarea', JSON.stringify(twoOutputs));
    await page.waitForFunction(() =>
      document.querySelector('pth-model-editor')?.shadowRoot?.querySelector('p[role=alert]'),
    );
    expect(await alerts(page)).toEqual(['the last layer gives 2 outputs; the data has 3 classes']);
    expect(await applyDisabled(page)).toBe(true);
    expect((await rows(page)).length).toBe(5); // the table follows the JSON

    const conv = {
      type: 'Sequential',
      layers: [{ type: 'Conv2d', in_channels: 1, out_channels: 4, kernel_size: 3 }, { type: 'Flatten' }],
    };
    await typeInto(page, 'textarea', JSON.stringify(conv));
    await page.waitForFunction(() =>
      document.querySelector('pth-model-editor')?.shadowRoot?.querySelector('tr.problem-row [role=alert]'),
    );
    const error = inferShapes(conv, input).error!;
    expect(() => buildModule(conv).forward(fromHost(new Float32Array(2), input))).toThrow();
    const [rowAlert] = await alerts(page);
    expect(rowAlert).toContain(describeShapeError(error));
    expect(rowAlert).toMatch(
      /^layer 0 \(Conv2d\): Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d/,
    );
    expect(await applyDisabled(page)).toBe(true);

    await typeInto(page, 'textarea', '{"type": "Sequential", "layers": [');
    await page.waitForFunction(() =>
      document
        .querySelector('pth-model-editor')
        ?.shadowRoot?.querySelector('p[role=alert]')
        ?.textContent?.includes('does not parse'),
    );
    expect(await applyDisabled(page)).toBe(true);
    expect(await appSpec(page)).toEqual(preset);
    expect(page.url()).not.toContain('arch=');
  });

  it('reverts to the model last set, and takes a valid JSON edit into the table', async () => {
    await press(page, 'button.revert');
    expect(JSON.parse(await jsonText(page))).toEqual(preset);
    expect(await alerts(page)).toEqual([]);
    await typeInto(page, 'textarea', JSON.stringify(edited));
    await waitForJson(page, (s) => (s.layers as unknown[]).length === 5);
    expect((await rows(page)).map((r) => r.shape)).toEqual(moduleShapes(edited));
    expect(await applyDisabled(page)).toBe(false);
  });

  it('applies the edit: the summary shows the new layers, the URL carries arch, Step trains', async () => {
    await press(page, 'button.apply');
    await page.waitForFunction(
      (want: string) =>
        JSON.stringify((globalThis as unknown as { pthlab: { app: { spec: object } } }).pthlab.app.spec) ===
        want,
      {},
      JSON.stringify(edited),
    );
    const summary = await page.$$eval('pth-model-summary >>> tbody td.layer', (tds) =>
      tds.map((td) => td.textContent?.trim()),
    );
    expect(summary).toEqual([
      'Sequential',
      ...(edited.layers as ModuleSpec[]).map((l, i) => `${l.type} (${i})`),
    ]);
    expect(parseSetup(new URL(page.url()).search).setup.arch).toEqual(edited);
    expect(JSON.parse(await jsonText(page))).toEqual(edited);
    expect(await applyDisabled(page)).toBe(true);
    await page.focus('#step');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      document.querySelector('pth-status')?.shadowRoot?.textContent?.startsWith('step 1 '),
    );
    expect(await statusText(page)).toMatch(/^step 1 · loss \d/);
  });

  it('saves a state_dict that torch 2.6 loads with weights_only=True into pthlab_arch.build(arch)', async () => {
    const scratch = scratchDir('2.6');
    try {
      copyFileSync(
        join(repoRoot, 'examples/pytorch/pthlab_arch.py'),
        join(scratch.hostPath, 'pthlab_arch.py'),
      );
      const points = [
        [0.1, -0.2],
        [-0.5, 0.4],
        [0.9, 0.3],
        [0, 0],
      ];
      const pageLogits = await page.evaluate(
        async (flat: number[], n: number) => {
          const app = (
            globalThis as unknown as {
              pthlab: { app: { logits(x: Float32Array, r: number): Promise<Float32Array> } };
            }
          ).pthlab.app;
          return Array.from(await app.logits(Float32Array.from(flat), n));
        },
        points.flat(),
        points.length,
      );
      await saveFromMenu(page, 'Save state_dict');
      const name = 'spirals_mlp_state_dict.pth';
      for (let i = 0; i < 100 && !existsSync(join(downloads, name)); i++)
        await new Promise((r) => setTimeout(r, 100));
      copyFileSync(join(downloads, name), join(scratch.hostPath, name));
      const stdout = await runTorch('2.6', 'browser/predict_state_dict.py', [
        JSON.stringify({
          arch_module_dir: scratch.pyPath,
          arch: edited,
          state_dict: `${scratch.pyPath}/${name}`,
          points,
        }),
      ]);
      const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
        keys: [string, string, number[]][];
        logits: number[][];
      };
      const ours = [...buildModule(edited).stateDict()].map(([k, t]) => [k, t.dtype, [...t.shape]]);
      expect(out.keys).toEqual(ours);
      const flat = out.logits.flat();
      expect(flat).toHaveLength(pageLogits.length);
      flat.forEach((v, i) => expect(Math.abs(v - pageLogits[i]!), `logit ${i}`).toBeLessThanOrEqual(1e-4));
    } finally {
      scratch.cleanup();
    }
  });

  it('keeps the custom model after a reload', async () => {
    await page.reload({ waitUntil: 'load' });
    await ready(page);
    expect(await appSpec(page)).toEqual(edited);
    expect(JSON.parse(await jsonText(page))).toEqual(edited);
    expect((await rows(page)).map((r) => r.shape)).toEqual(moduleShapes(edited));
    const section = await page.$('section[aria-labelledby="h-editor"]');
    await section?.screenshot({ path: join(artifacts, 'editor.png') });
  });

  it('logged no console errors', () => {
    expect(session.errors).toEqual([]);
  });
});
