/**
 * The sandbox page's speed in headless Chromium (`npm run bench -- --only page`): for each setup, the time
 * from navigation to the page being ready and to the first training step (Train clicked as soon as it is
 * ready), then, while training, frames per second and the longest frame (gaps between requestAnimationFrame
 * callbacks) and the long tasks the browser reported (PerformanceObserver 'longtask', > 50 ms). Measured,
 * never asserted: the machine is shared. Headless Chromium's only WebGPU adapter is SwiftShader, so the page
 * trains on its CPU fallback; the steps run in the page's training worker (in text mode, the text trainer's),
 * the frames are the page's own.
 */
import type { Page } from 'puppeteer-core';
import { startBrowser } from '../../test/browser/browser.ts';

export interface PageRow {
  name: string;
  url: string;
  device: string;
  readyMs: number;
  firstStepMs: number;
  trainSeconds: number;
  steps: number;
  fps: number;
  longestFrameMs: number;
  p95FrameMs: number;
  longTasks: number;
  longestTaskMs: number;
  /** What the longest animation frame was made of (Chromium's long-animation-frame entries), if one was seen. */
  longestFrame: FrameAnatomy | undefined;
  /** Gaps between frames over 50 ms, and how many of them the page's own thread made (long animation frames). */
  slowFrames: number;
  longFrames: number;
}

/** One long animation frame: its script, style-and-layout and rendering time, and its costliest script. */
export interface FrameAnatomy {
  durationMs: number;
  scriptMs: number;
  styleLayoutMs: number;
  renderMs: number;
  topScript: string;
  topScriptMs: number;
}

export interface PageReport {
  rows: PageRow[];
}

// Every preset: the CNN's step is the slowest (a few hundred milliseconds on the CPU), longer than a frame.
const setups = [
  { name: 'spirals linear', url: '/?dataset=spirals&preset=linear&seed=1' },
  { name: 'spirals mlp', url: '/?dataset=spirals&preset=mlp&seed=1' },
  { name: 'spirals deep', url: '/?dataset=spirals&preset=deep&seed=1' },
  { name: 'moons mlp', url: '/?dataset=moons&preset=mlp&seed=1' },
  { name: 'sine mlp', url: '/?dataset=sine&preset=mlp&seed=1' },
  { name: 'digits mlp', url: '/?dataset=mnist&preset=mlp&seed=1' },
  { name: 'digits cnn', url: '/?dataset=mnist&preset=cnn&seed=1' },
  { name: 'text gpt-tiny', url: '/?dataset=text&preset=gpt-tiny&seed=1' },
  { name: 'text gpt-baby', url: '/?dataset=text&preset=gpt-baby&seed=1' },
];

/**
 * The play and pause buttons: the page's own, or in text mode (`dataset=text`) the text trainer's one
 * Train/Pause button, in its shadow root.
 */
function controls(url: string): { train: string; pause: string } {
  if (!url.includes('dataset=text')) return { train: '#train', pause: '#pause' };
  const button = 'pth-text-trainer >>> button.train';
  return { train: button, pause: button };
}

/**
 * In text mode, until the text trainer has its corpus and model (its button enabled). Polled each frame:
 * waitForSelector's mutation observer never sees a change inside a shadow root.
 */
function textTrainerReady(page: Page): Promise<unknown> {
  return page.waitForFunction(
    () => {
      const button = document.querySelector('pth-text-trainer')?.shadowRoot?.querySelector('button.train');
      return button instanceof HTMLButtonElement && !button.disabled;
    },
    { timeout: 120_000 },
  );
}

// Installed before the page's own scripts: frame times, long tasks, and the first step's time.
const probe = `(() => {
  const w = window;
  w.__bench = { frames: [], longTasks: [], loafs: [], firstStep: undefined, ready: undefined };
  const b = w.__bench;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]); })
    .observe({ type: 'longtask', buffered: true });
  // A long animation frame's parts: when rendering and style/layout began, and each script's share.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const scripts = e.scripts.map((s) => ({
        name: (s.invoker || s.sourceFunctionName || '?') + ' ' + (s.sourceURL || '').split('/').pop(),
        duration: s.duration,
      }));
      b.loafs.push({ start: e.startTime, duration: e.duration, renderStart: e.renderStart,
        styleAndLayoutStart: e.styleAndLayoutStart, scripts });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
  const tick = (t) => {
    b.frames.push(t);
    const app = w.pthlab && w.pthlab.app;
    if (b.ready === undefined && w.pthlab && w.pthlab.ready) b.ready = t;
    if (b.firstStep === undefined && app && app.step >= 1) b.firstStep = performance.now();
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

interface Loaf {
  start: number;
  duration: number;
  renderStart: number;
  styleAndLayoutStart: number;
  scripts: { name: string; duration: number }[];
}

interface Probe {
  frames: number[];
  /** Start and duration of each. */
  longTasks: [number, number][];
  loafs: Loaf[];
  firstStep: number | undefined;
  ready: number | undefined;
}

const readProbe = (page: Page) => page.evaluate(() => (window as unknown as { __bench: Probe }).__bench);

async function measure(page: Page, url: string, baseUrl: string, trainSeconds: number): Promise<PageRow> {
  await page.evaluateOnNewDocument(probe);
  await page.goto(`${baseUrl}${url}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => (window as { pthlab?: { ready?: boolean } }).pthlab?.ready === true, {
    timeout: 120_000,
  });
  const buttons = controls(url);
  if (url.includes('dataset=text')) await textTrainerReady(page);
  const readyMs = await page.evaluate(() => performance.now());
  await page.click(buttons.train);
  await page.waitForFunction(
    () => (window as unknown as { __bench: Probe }).__bench.firstStep !== undefined,
    { timeout: 120_000 },
  );
  const start = await readProbe(page);
  const startSteps = await page.evaluate(
    () => (window as unknown as { pthlab: { app: { step: number } } }).pthlab.app.step,
  );
  const t0 = await page.evaluate(() => performance.now());
  await new Promise((r) => setTimeout(r, trainSeconds * 1000));
  const t1 = await page.evaluate(() => performance.now());
  await page.click(buttons.pause);
  const end = await readProbe(page);
  const steps =
    (await page.evaluate(
      () => (window as unknown as { pthlab: { app: { step: number } } }).pthlab.app.step,
    )) - startSteps;
  const frames = end.frames.filter((t) => t >= t0 && t <= t1);
  const gaps = frames.slice(1).map((t, i) => t - (frames[i] as number));
  const sorted = [...gaps].sort((a, b) => a - b);
  // Only those that began while training: the pause's own work (the page adopts the state) is not a frame of it.
  const tasks = end.longTasks.filter(([at]) => at >= t0 && at <= t1).map(([, d]) => d);
  const loafs = end.loafs.filter((l) => l.start >= t0 && l.start <= t1);
  const longest = loafs.reduce<Loaf | undefined>(
    (a, l) => (a === undefined || l.duration > a.duration ? l : a),
    undefined,
  );
  const device = await page.$eval('#device-notice', (el) => (el as HTMLElement).dataset['kind'] ?? '?');
  return {
    name: '',
    url,
    device,
    readyMs,
    firstStepMs: start.firstStep ?? NaN,
    trainSeconds: (t1 - t0) / 1000,
    steps,
    fps: gaps.length / ((t1 - t0) / 1000),
    longestFrameMs: sorted.at(-1) ?? NaN,
    p95FrameMs: sorted[Math.floor(0.95 * (sorted.length - 1))] ?? NaN,
    longTasks: tasks.length,
    longestTaskMs: Math.max(0, ...tasks),
    longestFrame: longest === undefined ? undefined : anatomy(longest),
    slowFrames: gaps.filter((g) => g > 50).length,
    longFrames: loafs.length,
  };
}

function anatomy(l: Loaf): FrameAnatomy {
  const end = l.start + l.duration;
  const top = [...l.scripts].sort((a, b) => b.duration - a.duration)[0];
  return {
    durationMs: l.duration,
    scriptMs: l.scripts.reduce((sum, s) => sum + s.duration, 0),
    styleLayoutMs: l.styleAndLayoutStart > 0 ? end - l.styleAndLayoutStart : 0,
    renderMs: l.renderStart > 0 ? end - l.renderStart : 0,
    topScript: top?.name ?? '-',
    topScriptMs: top?.duration ?? 0,
  };
}

export async function pageReport(trainSeconds = 5): Promise<PageReport> {
  const session = await startBrowser();
  try {
    const rows: PageRow[] = [];
    for (const setup of setups) {
      process.stderr.write(`page: ${setup.name}...\n`);
      // A fresh page (and IndexedDB-less profile state per URL is not needed: no autosave restore before Train).
      const page = await session.browser.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      rows.push({ ...(await measure(page, setup.url, session.baseUrl, trainSeconds)), name: setup.name });
      await page.close();
    }
    return { rows };
  } finally {
    await session.close();
  }
}

export function pageTable(report: PageReport): string {
  const cell = (text: string, width: number) => text.padStart(width);
  const anatomies = report.rows.map((r) => {
    const f = r.longestFrame;
    const count = `over 50 ms: ${r.slowFrames} frame gaps, ${r.longFrames} long frames on the page's thread`;
    if (f === undefined) return `${r.name.padEnd(14)} ${count}`;
    return `${r.name.padEnd(14)} ${count}; the longest ${f.durationMs.toFixed(0)} ms: scripts ${f.scriptMs.toFixed(0)} (most: ${f.topScript} ${f.topScriptMs.toFixed(0)}), rendering ${f.renderMs.toFixed(0)} (style and layout ${f.styleLayoutMs.toFixed(0)})`;
  });
  return [
    'Sandbox page in headless Chromium: navigation to ready and to the first step; frames while training',
    `${'setup'.padEnd(15)}${cell('device', 7)}${cell('ready ms', 10)}${cell('1st step ms', 13)}${cell('steps/s', 9)}${cell('fps', 6)}${cell('p95 frame', 11)}${cell('max frame', 11)}${cell('long tasks', 12)}${cell('max task', 10)}`,
    ...report.rows.map(
      (r) =>
        `${r.name.padEnd(15)}${cell(r.device, 7)}${cell(r.readyMs.toFixed(0), 10)}${cell(r.firstStepMs.toFixed(0), 13)}${cell((r.steps / r.trainSeconds).toFixed(0), 9)}${cell(r.fps.toFixed(1), 6)}${cell(r.p95FrameMs.toFixed(1), 11)}${cell(r.longestFrameMs.toFixed(1), 11)}${cell(String(r.longTasks), 12)}${cell(r.longestTaskMs.toFixed(0), 10)}`,
    ),
    // A gap with no long frame on the page's thread was made elsewhere: the compositor, the GPU process or
    // the OS (two cores shared with the training worker).
    'Frames over 50 ms, and the longest animation frame (long-animation-frame entries) of each:',
    ...anatomies,
  ].join('\n');
}
