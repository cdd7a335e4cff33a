/**
 * A real browser for the tests: Vite's dev server on loopback and Debian's Chromium through puppeteer-core,
 * with WebGPU on SwiftShader (ENVIRONMENT.md). Every console error and page error is collected so a test
 * can assert there were none.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { type Server, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { createServer, type ViteDevServer } from 'vite';

export const chromiumPath = process.env.PTHLAB_CHROMIUM ?? '/usr/bin/chromium';

export interface BrowserSession {
  readonly browser: Browser;
  readonly baseUrl: string;
  /** Console errors and uncaught page errors seen so far, across pages. */
  readonly errors: string[];
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

export interface StartOptions {
  /**
   * Serve the files of this directory as they are (a plain static server, no Vite): for pages that must work
   * with nothing but built files. Default: Vite's dev server on the repository.
   */
  readonly staticRoot?: string;
  /** The longest one call into the page may take (puppeteer's protocolTimeout; its default is 180 s). */
  readonly protocolTimeoutMs?: number;
}

export async function startBrowser(options: StartOptions = {}): Promise<BrowserSession> {
  const server = options.staticRoot === undefined ? await startVite() : await startStatic(options.staticRoot);
  const baseUrl = server.baseUrl;
  const profile = mkdtempSync(join(tmpdir(), 'pthlab-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    ...(options.protocolTimeoutMs === undefined ? {} : { protocolTimeout: options.protocolTimeoutMs }),
    args: [
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--enable-unsafe-swiftshader',
      '--enable-features=Vulkan',
      '--use-vulkan=swiftshader',
      '--use-webgpu-adapter=swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      `--user-data-dir=${profile}`,
    ],
  });
  const errors: string[] = [];
  return {
    browser,
    baseUrl,
    errors,
    async open(path: string): Promise<Page> {
      const page = await browser.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`page: ${String(error)}`));
      await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' });
      return page;
    },
    async close(): Promise<void> {
      await browser.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

interface RunningServer {
  readonly baseUrl: string;
  close(): Promise<void>;
}

async function startVite(): Promise<RunningServer> {
  const server: ViteDevServer = await createServer({
    configFile: 'vite.config.ts',
    logLevel: 'error',
    // No watching, no hot reload: a file edited during a run must not reload a page mid-test.
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (address === null || address === undefined || typeof address === 'string')
    throw new Error('vite did not listen');
  return { baseUrl: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
};

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A static file server on loopback: GET of files under `root`, 404 for anything else. */
async function startStatic(root: string): Promise<RunningServer> {
  const server: Server = createHttpServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = join(root, path);
    if (path.includes('..') || !isFile(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Lets `page` save downloads ("Save state_dict" and the like) into `dir`, where a test reads them. */
export async function allowDownloads(page: Page, dir: string): Promise<void> {
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
}

/** Picks `item` ("Save state_dict", "Save checkpoint", ...) from the checkpoint bar's "Save to PyTorch" menu. */
export async function saveFromMenu(page: Page, item: string): Promise<void> {
  await page.click('pth-checkpoint-bar >>> #save-button');
  // Visible: the menu is a popover, in the DOM before the browser has shown it.
  const button = await page.waitForSelector(`aria/${item}[role="menuitem"]`, { visible: true });
  await button?.click();
}

/**
 * The page's `<pth-text-trainer>`, from its fresh start (the step-0 sample shown), trained to at least
 * `steps` in its worker, then paused, the pause landed.
 */
export async function trainTextSteps(page: Page, steps: number): Promise<void> {
  await page.waitForFunction(() => document.querySelector('pth-text-trainer')?.sampleStep === 0, {
    timeout: 120_000,
  });
  await page.$eval('pth-text-trainer', (t) => t.toggle());
  await page.waitForFunction(
    (n: number) => (document.querySelector('pth-text-trainer')?.step ?? 0) >= n,
    { timeout: 120_000 },
    steps,
  );
  await page.$eval('pth-text-trainer', (t) => {
    t.toggle();
    return t.pause();
  });
}
