/**
 * A real browser for the tests: Vite's dev server on loopback and Debian's Chromium through puppeteer-core,
 * with WebGPU on SwiftShader (ENVIRONMENT.md). Every console error and page error is collected so a test
 * can assert there were none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export async function startBrowser(): Promise<BrowserSession> {
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
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const profile = mkdtempSync(join(tmpdir(), 'pthlab-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
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
