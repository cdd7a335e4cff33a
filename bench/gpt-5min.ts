/**
 * `npm run bench -- --only gpt-5min [--minutes M] [--preset gpt-tiny|gpt-baby]` (issue 14): the validation
 * loss the page reaches after M minutes (default 5) of training on the text corpus, beside torch 2.6 on the
 * CPU training the same config for the same wall time. One after the other, never together:
 *
 * 1. The page: `<pth-text-trainer>` in headless Chromium (on whatever backend the page picks there: the CPU
 *    backend when WebGPU is only SwiftShader), Train pressed, Pause pressed M minutes later; everything the
 *    page does while training (its samples, attention maps and periodic 4-batch validation loss) counts.
 * 2. torch (test/torch/py/bench_gpt_5min.py, nanoGPT's model from py/engine/nanogpt_model.py): the same GPT
 *    config, batch, AdamW settings, lr and grad clip, on the same ids of the same corpus (written to the
 *    harness's scratch dir by src/train/datasets/text-node.ts), nanoGPT's train.py loop with eval off.
 *
 * Each side's model is then scored on the same `evalBatches` validation batches (`validationBatch`:
 * TextSandbox.evaluate's windows), in eval mode: the page through its own evaluate, torch on the ids the
 * Node side wrote. The load averages before and after each side are recorded: the machine is shared.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { startBrowser } from '../test/browser/browser.ts';
import { runTorch, scratchDir } from '../test/torch/harness.ts';
import type { TextData } from '../src/train/datasets/text.ts';
import { loadTextCorpus } from '../src/train/datasets/text-node.ts';
import {
  type GptPresetName,
  gptPresetNames,
  gptPresets,
  textTraining,
  validationBatch,
} from '../src/train/text-sandbox.ts';

/** nanoGPT's eval_iters: the validation batches each side's final loss is the mean over. */
export const evalBatches = 200;
/** The page's seed attribute (its default). */
const seed = 1;

export interface SideResult {
  /** Wall time trained: Train to Pause on the page, the training loop in torch. */
  seconds: number;
  steps: number;
  /** Mean cross-entropy over the `evalBatches` validation batches, at the end. */
  valLoss: number;
  /** `os.loadavg()` just before and just after this side ran. */
  loadBefore: readonly number[];
  loadAfter: readonly number[];
}

export interface Gpt5minReport {
  preset: GptPresetName;
  minutes: number;
  evalBatches: number;
  vocabSize: number;
  page:
    | (SideResult & { backend: string; adapter: string; lastPeriodicValLoss: number | null })
    | { error: string };
  torch: (SideResult & { threads: number }) | { error: string };
}

export function chosenPreset(name: string | undefined): GptPresetName {
  if (name === undefined) return 'gpt-tiny';
  if (!(gptPresetNames as readonly string[]).includes(name))
    throw new Error(`--preset: expected one of ${gptPresetNames.join(', ')}`);
  return name as GptPresetName;
}

export function chosenMinutes(minutes: string | undefined): number {
  if (minutes === undefined) return 5;
  const m = Number(minutes);
  if (!(m > 0)) throw new Error('--minutes: expected a positive number');
  return m;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pageSide(preset: GptPresetName, minutes: number): Promise<Gpt5minReport['page']> {
  // The final evaluation is one call into the page, which a loaded CPU may keep busy for minutes (gpt-baby).
  const session = await startBrowser({ protocolTimeoutMs: 30 * 60_000 });
  try {
    const page: Page = await session.open('/examples/embed.html');
    await page.evaluate(
      (preset, seed) => {
        const el = document.createElement('pth-text-trainer');
        el.setAttribute('preset', preset);
        el.setAttribute('seed', String(seed));
        document.body.replaceChildren(el);
      },
      preset,
      seed,
    );
    // Ready: the corpus is loaded and the step-0 sample shown.
    await page.waitForFunction(
      () => {
        const t = document.querySelector('pth-text-trainer');
        return t?.ready === true && t.sample.length > 0;
      },
      { timeout: 180_000 },
    );
    const device = await page.evaluate(async () => {
      const adapter = await navigator.gpu?.requestAdapter();
      const info = adapter?.info;
      return {
        backend: (await document.querySelector('pth-text-trainer')?.inspect())?.backend ?? '?',
        adapter:
          info === undefined ? 'none' : `${info.vendor} ${info.architecture} ${info.description}`.trim(),
      };
    });
    process.stderr.write(`gpt-5min: page on the ${device.backend} backend (adapter: ${device.adapter})\n`);
    // One button toggles Train and Pause: found once, and clicked in one round trip (a busy page answers each
    // of puppeteer's mouse-click round trips only between frames, which are long on a loaded CPU).
    const button = await page.$('aria/Train[role="button"]');
    if (button === null) throw new Error('the text trainer has no Train button');
    const press = () => button.evaluate((b) => (b as HTMLButtonElement).click());
    const loadBefore = loadavg();
    await press();
    const t0 = performance.now();
    await sleep(minutes * 60_000);
    await press();
    const seconds = (performance.now() - t0) / 1000; // to the moment Pause has landed in the page
    const loadAfter = loadavg();
    const end = await page.evaluate(async (batches) => {
      const t = document.querySelector('pth-text-trainer');
      if (t === null) throw new Error('the page has no text trainer');
      await t.pause(); // the step in flight when Pause was pressed is done
      const chart = t.renderRoot.querySelector('pth-loss-chart');
      const periodic = (chart?.points ?? []).filter((p) => p.heldOutLoss !== undefined).at(-1);
      return {
        steps: t.step,
        valLoss: await t.evaluate(batches),
        lastPeriodicValLoss: periodic?.heldOutLoss ?? null,
      };
    }, evalBatches);
    if (session.errors.length > 0) throw new Error(`the page reported errors: ${session.errors.join('; ')}`);
    return { ...device, ...end, seconds, loadBefore, loadAfter };
  } finally {
    await session.close();
  }
}

/** The corpus's ids and the validation windows, as int32 files in a scratch dir torch 2.6 can read. */
function writeData(text: TextData, preset: GptPresetName, dir: string): void {
  const { config, batch } = gptPresets[preset];
  const bytes = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength); // little-endian hosts
  const batches = Array.from({ length: evalBatches }, (_, i) =>
    validationBatch(text, config.block_size, batch, seed, i),
  );
  const join32 = (parts: Int32Array[]) => {
    const all = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    return all;
  };
  writeFileSync(join(dir, 'train.i32'), bytes(text.train));
  writeFileSync(join(dir, 'val_x.i32'), bytes(join32(batches.map((b) => b.x)))); // (evalBatches, B, T)
  writeFileSync(join(dir, 'val_y.i32'), bytes(join32(batches.map((b) => b.y)))); // (evalBatches, B, T)
}

async function torchSide(
  text: TextData,
  preset: GptPresetName,
  minutes: number,
): Promise<Gpt5minReport['torch']> {
  const scratch = scratchDir('2.6');
  try {
    writeData(text, preset, scratch.hostPath);
    const { config, batch, lr } = gptPresets[preset];
    const args = {
      model: { ...config, vocab_size: text.vocab.vocabSize },
      batch,
      lr,
      weightDecay: textTraining.weightDecay,
      betas: textTraining.betas,
      gradClip: textTraining.gradClip,
      seed,
      seconds: minutes * 60,
      evalBatches,
      trainIds: `${scratch.pyPath}/train.i32`,
      valX: `${scratch.pyPath}/val_x.i32`,
      valY: `${scratch.pyPath}/val_y.i32`,
    };
    const loadBefore = loadavg();
    const out = await runTorch('2.6', 'bench_gpt_5min.py', [JSON.stringify(args)], {
      timeoutMs: minutes * 60_000 + 300_000,
    });
    const loadAfter = loadavg();
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '') as {
      steps: number;
      seconds: number;
      valLoss: number;
      threads: number;
    };
    return {
      steps: r.steps,
      seconds: r.seconds,
      valLoss: r.valLoss,
      threads: r.threads,
      loadBefore,
      loadAfter,
    };
  } finally {
    scratch.cleanup();
  }
}

const failure = (e: unknown) => ({
  error: (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'failed',
});

export async function gpt5minReport(preset: GptPresetName, minutes: number): Promise<Gpt5minReport> {
  const text = loadTextCorpus();
  process.stderr.write(`gpt-5min: the page trains ${preset} for ${minutes} min...\n`);
  const page = await pageSide(preset, minutes).catch(failure);
  process.stderr.write(`gpt-5min: torch 2.6 trains ${preset} for ${minutes} min...\n`);
  const torch = await torchSide(text, preset, minutes).catch(failure);
  return { preset, minutes, evalBatches, vocabSize: text.vocab.vocabSize, page, torch };
}

export function gpt5minTable(r: Gpt5minReport): string {
  const { config: m, batch, lr } = gptPresets[r.preset];
  const page = 'error' in r.page ? undefined : r.page;
  const torch = 'error' in r.torch ? undefined : r.torch;
  const load = (s: SideResult) =>
    `${s.loadBefore.map((l) => l.toFixed(2)).join(' ')} -> ${s.loadAfter.map((l) => l.toFixed(2)).join(' ')}`;
  const row = (name: string, s: SideResult | undefined, error: string | undefined) =>
    s === undefined
      ? `${name.padEnd(30)}${error ?? ''}`
      : `${name.padEnd(30)}${s.seconds.toFixed(1).padStart(9)}${String(s.steps).padStart(8)}` +
        `${(s.steps / s.seconds).toFixed(2).padStart(9)}${s.valLoss.toFixed(4).padStart(10)}   ${load(s)}`;
  const ratio = (f: (s: SideResult) => number, digits = 2) =>
    page && torch ? (f(page) / f(torch)).toFixed(digits) : 'n/a';
  return [
    `GPT ${r.preset} (n_layer ${m.n_layer}, n_head ${m.n_head}, n_embd ${m.n_embd}, block ${m.block_size}, ` +
      `batch ${batch}, lr ${lr}, vocab ${r.vocabSize}) trained for ${r.minutes} min of wall time each, one after ` +
      `the other; val loss: mean over the same ${r.evalBatches} validation batches at the end`,
    `${'row'.padEnd(30)}${'seconds'.padStart(9)}${'steps'.padStart(8)}${'steps/s'.padStart(9)}${'val loss'.padStart(10)}   load avg 1/5/15 min before -> after`,
    row(`pthlab page (${page?.backend ?? '?'})`, page, 'error' in r.page ? r.page.error : undefined),
    row(
      `torch 2.6 cpu (${torch?.threads ?? '?'} threads)`,
      torch,
      'error' in r.torch ? r.torch.error : undefined,
    ),
    `pthlab / torch: steps/s ${ratio((s) => s.steps / s.seconds)}, val loss ${ratio((s) => s.valLoss, 3)}`,
    page
      ? `page: adapter ${page.adapter}; its last periodic 4-batch val loss ${page.lastPeriodicValLoss?.toFixed(4) ?? 'n/a'}`
      : '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}
