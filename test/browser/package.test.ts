/**
 * pthlab as its users get it. `npm pack` (whose `prepack` builds dist/), then `npm install` of the tarball
 * into an empty project in a temporary folder, with runtime dependencies only: no tsx, no TypeScript, no
 * sources. There: the `pthlab` command inspects a file torch 1.13 saved and prints torch's own digest of it;
 * each entry point imports in Node; a strict consumer type-checks against the declarations (this repository's
 * tsc pointed at that project, both `nodenext` and `bundler` resolution); and a static page (no Vite) that
 * reaches the package through an import map trains `<pth-trainer>` in Chromium, and `<pth-text-trainer>` in
 * its worker over the page's text, fetching nothing but its own files and the package's browser build. Screenshot: test-artifacts/package.png.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Page } from 'puppeteer-core';
import { type Rolldown, build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSizes, gzipBudgets } from '../../bench/package/sizes.ts';
import { entryPoints } from '../../scripts/package-entries.ts';
import { repoRoot } from '../torch/fixtures.ts';
import { runTorch, scratchDir } from '../torch/harness.ts';
import { type BrowserSession, startBrowser, trainTextSteps } from './browser.ts';

const run = promisify(execFile);
const specifier = (entry: string) => (entry === '.' ? 'pthlab' : `pthlab/${entry.slice(2)}`);

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: readonly { path: string }[];
}

// Every entry point by name, a type error the declarations must catch, and a value of each layer's types.
const consumer = `
import { checkpoint, nn } from 'pthlab';
import { PyDict, loadCheckpoint, saveTorchZip } from 'pthlab/checkpoint';
import { cpu, tensor } from 'pthlab/tensor';
import { buildModule } from 'pthlab/nn';
import { Adam } from 'pthlab/optim';
import { Trainer } from 'pthlab/train';
import { makeSynthetic } from 'pthlab/train/datasets';
import { PthTrainer } from 'pthlab/ui';
import { PthLossLine, fuseStateDicts } from 'pthlab/tools';
const model: nn.Module = buildModule({ type: 'Linear', in_features: 2, out_features: 2 }, { backend: cpu });
const bytes: Uint8Array = saveTorchZip(new PyDict('dict', []));
export const format: checkpoint.CheckpointFormat = loadCheckpoint(bytes).format;
export const adam = new Adam(model.parameters(), { lr: 0.01 });
export const trainer: PthTrainer | undefined = document.querySelector('pth-trainer') ?? undefined;
export const used = [tensor, Trainer, makeSynthetic, PthLossLine, fuseStateDicts];
// @ts-expect-error the declarations are typed, not any: format is a string
export const wrong: number = loadCheckpoint(bytes).format;
`;

describe('the npm package, installed', () => {
  const work = mkdtempSync(join(tmpdir(), 'pthlab-package-'));
  const project = join(work, 'project');
  const torch = scratchDir('1.13');
  let packed: PackResult;
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: repoRoot,
      maxBuffer: 64 << 20,
    });
    // The build that prepack runs prints to stdout first, and its lines may hold a '[' (a plugin-timing
    // warning on a busy machine): npm's JSON is the array that starts on a line of its own, last.
    const json = stdout.slice(stdout.lastIndexOf('\n[\n') + 1);
    packed = (JSON.parse(json) as PackResult[])[0] as PackResult;
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      '{ "name": "a-lesson", "private": true, "type": "module" }\n',
    );
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--omit=dev', '--prefer-offline', join(work, packed.filename)],
      { cwd: project },
    );
    // A file torch itself saved: a small MLP's state_dict.
    writeFileSync(
      join(torch.hostPath, 'save.py'),
      'import torch\ntorch.manual_seed(0)\nmodel = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))\ntorch.save(model.state_dict(), "model.pth")\n',
    );
    await runTorch('1.13', 'run_snippet.py', [torch.pyPath, `${torch.pyPath}/save.py`]);
    cpSync(join(torch.hostPath, 'model.pth'), join(project, 'model.pth'));
  });
  afterAll(async () => {
    await session?.close();
    torch.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  // The workers are modules of the builds like any other, not bundles with a copy of the engine of their own.
  it('packs the build, the command, README and LICENSE, nothing else, under 3 MB unpacked', () => {
    const paths = packed.files.map((f) => f.path);
    expect(
      paths.filter((p) => !/^(dist\/|bin\/pthlab\.mjs$|README\.md$|LICENSE$|package\.json$)/.test(p)),
    ).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist/cli/pthlab.js']));
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    expect(packed.unpackedSize).toBeLessThan(3_000_000);
  });

  it('exports each entry point with its types, and nothing the build lacks', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/pthlab/package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string } | string>;
    };
    expect(Object.keys(manifest.exports).sort()).toEqual(
      [...Object.keys(entryPoints), './package.json'].sort(),
    );
    for (const entry of Object.keys(entryPoints)) {
      const target = manifest.exports[entry] as { types: string; default: string };
      for (const file of [target.types, target.default])
        expect(
          () => readFileSync(join(project, 'node_modules/pthlab', file)),
          `${entry}: ${file}`,
        ).not.toThrow();
    }
  });

  it('runs the command as JavaScript: inspect prints the digest torch prints', async () => {
    const bin = join(project, 'node_modules/.bin/pthlab');
    const help = await run(bin, ['--help'], { cwd: project });
    expect(help.stdout).toContain('pthlab inspect FILE');
    const { stdout } = await run(bin, ['inspect', 'model.pth', '--json'], { cwd: project });
    const torchDigest = await runTorch('1.13', 'digest.py', [`${torch.pyPath}/model.pth`]);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(torchDigest));
    expect(Object.keys((JSON.parse(stdout) as { tensors: object }).tensors)).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
    ]);
  });

  it('imports every entry point in Node, and reads the torch file with pthlab/checkpoint', async () => {
    const script = `
const names = ${JSON.stringify(Object.keys(entryPoints).map(specifier))};
const counts = {};
for (const name of names) counts[name] = Object.keys(await import(name)).length;
const { loadCheckpoint } = await import('pthlab/checkpoint');
const { readFileSync } = await import('node:fs');
const keys = [...loadCheckpoint(readFileSync('model.pth')).value.keys()];
console.log(JSON.stringify({ counts, keys }));
`;
    writeFileSync(join(project, 'imports.mjs'), script);
    const { stdout } = await run(process.execPath, ['imports.mjs'], { cwd: project });
    const { counts, keys } = JSON.parse(stdout) as { counts: Record<string, number>; keys: string[] };
    expect(Object.keys(counts)).toHaveLength(Object.keys(entryPoints).length);
    for (const [name, count] of Object.entries(counts)) expect(count, name).toBeGreaterThan(0);
    expect(keys).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('type-checks a strict consumer with nodenext and with bundler resolution', async () => {
    writeFileSync(join(project, 'consumer.ts'), consumer);
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const base = [
      '--ignoreConfig',
      '--noEmit',
      '--strict',
      '--skipDefaultLibCheck',
      '--target',
      'es2022',
      '--lib',
      'es2022,dom',
    ];
    const check = (module: string, resolution: string) =>
      run(
        process.execPath,
        [tsc, ...base, '--module', module, '--moduleResolution', resolution, 'consumer.ts'],
        {
          cwd: project,
        },
      ).then(
        (r) => r.stdout,
        (e: { stdout: string }) => e.stdout,
      );
    const [nodenext, bundler] = await Promise.all([
      check('nodenext', 'nodenext'),
      check('esnext', 'bundler'),
    ]);
    expect(nodenext).toBe('');
    expect(bundler).toBe('');
  });

  it("bundles with an app's Vite: pthlab/checkpoint alone stays small, pthlab/ui keeps its elements", async () => {
    const bundle = async (name: string, code: string) => {
      writeFileSync(join(project, name), code);
      const output = (await build({
        root: project,
        configFile: false,
        logLevel: 'silent',
        build: { write: false, rolldownOptions: { input: join(project, name) } },
      })) as Rolldown.RolldownOutput;
      const js = output.output.flatMap((c) => (c.type === 'chunk' ? [c.code] : [])).join('\n');
      const assets = new Map(
        output.output.flatMap((c) => (c.type === 'asset' ? [[c.fileName, String(c.source)] as const] : [])),
      );
      return { js, gzip: gzipSync(js).byteLength, assets };
    };
    const checkpointOnly = await bundle(
      'checkpoint.js',
      "export { loadCheckpoint } from 'pthlab/checkpoint';\n",
    );
    expect(checkpointOnly.gzip).toBeLessThanOrEqual(gzipBudgets['./checkpoint'] as number);
    expect(checkpointOnly.js).not.toContain('customElements');
    const ui = await bundle('ui.js', "import 'pthlab/ui';\n");
    expect(ui.js).toMatch(/customElements\.define\(["'`]pth-trainer["'`]/);

    // The workers: dist/ holds each as a module beside the one that starts it, which the app's Vite bundles
    // (with the engine, from the package's modules) as a worker of its own: one file, no static import.
    const dist = join(project, 'node_modules/pthlab/dist');
    for (const [client, worker] of [
      ['ui/text-trainer/text-client.js', 'text-worker'],
      ['checkpoint/off-thread/load.js', 'load-worker'],
    ] as const) {
      expect(readFileSync(join(dist, client), 'utf8')).toContain(
        `new Worker(new URL("./${worker}.js", import.meta.url), { type: "module" })`,
      );
      const url = new RegExp(`new Worker\\(new URL\\(["'\`]/(assets/${worker}-[\\w-]+\\.js)["'\`]`).exec(
        ui.js,
      );
      const bundled = ui.assets.get(url?.[1] ?? '');
      expect(bundled, worker).toBeDefined();
      expect(bundled).not.toMatch(/(?:^|[;}])\s*import\s*[{*"'`]/m);
      expect(bundled).toContain('onmessage');
      if (worker === 'text-worker') expect(bundled).toContain('@compute @workgroup_size');
    }
  });

  it('keeps each entry point of the browser build within its gzip budget', () => {
    const sizes = browserSizes(join(project, 'node_modules/pthlab'));
    for (const [entry, budget] of Object.entries(gzipBudgets)) {
      const row = sizes.find((s) => s.entry === entry);
      expect(row?.gzip, entry).toBeLessThanOrEqual(budget);
    }
  });

  it('trains <pth-trainer> and <pth-text-trainer> in a plain page with an import map to the installed files', async () => {
    mkdirSync(join(project, 'lessons'));
    cpSync(join(repoRoot, 'test/browser/pages/package.html'), join(project, 'lessons/index.html'));
    session = await startBrowser({ staticRoot: project });
    const requested: string[] = [];
    const page: Page = await session.browser.newPage();
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    page.on('pageerror', (error) => session?.errors.push(`page: ${String(error)}`));
    page.on('console', (message) => {
      if (message.type() === 'error') session?.errors.push(`console: ${message.text()}`);
    });
    await page.setViewport({ width: 1000, height: 1400 });
    await page.goto(`${session.baseUrl}/lessons/index.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true', { timeout: 60_000 });
    expect(await page.evaluate(() => document.body.dataset['gpu'])).toBe('webgpu 6');
    expect(await page.evaluate(() => document.body.dataset['entries'])).toBe('true,true,true');

    // The element on its own: ready at step 0, then Train runs optimizer steps.
    await page.waitForFunction(
      () =>
        /^step 0 · loss [\d.]+/.test(
          document.querySelector('pth-trainer')?.shadowRoot?.querySelector('pth-status')?.shadowRoot
            ?.textContent ?? '',
        ),
      { timeout: 60_000 },
    );
    await page.evaluate(() => {
      const w = globalThis as unknown as { lastStep: number };
      w.lastStep = 0;
      document.querySelector('pth-trainer')?.addEventListener('pth-step', (e) => {
        w.lastStep = (e as CustomEvent<{ step: number }>).detail.step;
      });
    });
    await (await page.waitForSelector('pth-trainer >>> .controls button.train'))?.click();
    await page.waitForFunction(() => (globalThis as unknown as { lastStep: number }).lastStep >= 20, {
      timeout: 120_000,
    });
    await (await page.waitForSelector('pth-trainer >>> .controls button.pause'))?.click();

    // The components driven by the library's own Trainer.
    await page.click('#train');
    await page.waitForFunction(() => document.body.dataset['trained'] !== undefined, { timeout: 120_000 });
    expect(await page.evaluate(() => document.body.dataset['trained'])).toBe(
      '0.weight,0.bias,2.weight,2.bias',
    );
    const status = await page.$eval('body > pth-status >>> [role=status]', (el) => el.textContent ?? '');
    expect(status).toMatch(/^step 100 · loss [\d.]+ · accuracy [\d.]+%$/);
    mkdirSync(join(repoRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-artifacts', 'package.png'), fullPage: true });

    // <pth-text-trainer> trains in its worker, which the build serves beside its modules, over the page's own
    // text (the package ships no corpus): 100 kB of the app's.
    const corpus = readFileSync(join(repoRoot, 'src/train/datasets/text/brown-fiction.txt'), 'utf8');
    writeFileSync(join(project, 'lessons/corpus.txt'), corpus.slice(0, 100_000));
    await page.evaluate(() => {
      const el = document.createElement('pth-text-trainer');
      el.setAttribute('corpus', 'corpus.txt');
      document.body.append(el);
    });
    await trainTextSteps(page, 2);

    const outside = requested.filter(
      (path) =>
        path !== '/lessons/index.html' &&
        path !== '/lessons/corpus.txt' &&
        !path.startsWith('/node_modules/pthlab/dist/browser/'),
    );
    expect(outside).toEqual([]);
    // The worker is a chunk of the build (importing the chunks the page already has), not a bundle of its own.
    expect(requested.filter((path) => /\/chunks\/text-worker-[\w-]+\.js$/.test(path))).toHaveLength(1);
    expect(session.errors).toEqual([]);
  });
});
