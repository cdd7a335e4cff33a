/**
 * The npm package's builds (`npm run build:lib`, run by `prepack`), both ES modules:
 *  - `dist/` (default mode): for Node and bundlers. One output file per source file (bundlers tree-shake
 *    by file; package.json's `sideEffects` names the files that define elements), dependencies left as
 *    imports so an app's bundle holds one Lit, `.d.ts` beside each `.js`. A worker is its own source's file
 *    too, which the app's bundler bundles as a worker (`workerModules`).
 *  - `dist/cli/` (`--mode cli`): the `pthlab` command as one file (plus the chunks it imports lazily),
 *    everything but Node's own modules bundled in: Node starts it about 0.1 s sooner than the same code
 *    as the package's 200 files.
 *  - `dist/browser/` (`--mode browser`): for a page without a bundler (an import map, or a CDN URL). One
 *    file per entry point plus shared chunks, dependencies bundled in, minified. A chunk imports its
 *    neighbours by relative URL, a worker is one more entry that imports the same chunks, and Vite writes
 *    `new URL('./x', import.meta.url)` assets beside them, so everything resolves relative to the module,
 *    never to the page.
 * Shaders are inlined as strings by src/gpu/shader-source.ts's import.meta.glob in both.
 */
import { basename, dirname, resolve } from 'node:path';
import ts from 'typescript';
import { type Plugin, type Rolldown, defineConfig } from 'vite';
import { browserDir, browserEntries, cliDir, cliEntry, entryPoints } from './scripts/package-entries.ts';

/** Imports of these packages stay imports in dist/ (package.json's dependencies); `?inline` CSS is bundled. */
const dependency = /^(lit|@lit\/[^/]+|lit-html|lit-element|uplot|idb|fflate)(\/[^?]*)?$/;

/**
 * A declaration file as a consumer's tsc reads it: relative `./x.ts` specifiers (the sources' style, which tsc
 * copies as they are) become `./x.js`. WebGPU's types come from TypeScript's own DOM lib (TypeScript 6).
 */
function declarationText(text: string): string {
  return text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*)\.ts\2/g, '$1$2$3.js$2');
}

/** tsc's declaration emit (`--emitDeclarationOnly`) for the entries, beside the .js files in dist/. */
function declarations(sources: string[], outDir: string): Plugin {
  return {
    name: 'pthlab-declarations',
    apply: 'build',
    closeBundle() {
      const config = ts.getParsedCommandLineOfConfigFile(
        'tsconfig.json',
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
          },
        },
      );
      if (config === undefined) throw new Error('tsconfig.json could not be read');
      const program = ts.createProgram(sources, {
        ...config.options,
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        rootDir: 'src',
        outDir,
      });
      const result = program.emit(undefined, (file, text) => ts.sys.writeFile(file, declarationText(text)));
      const errors = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].filter(
        (d) => d.category === ts.DiagnosticCategory.Error,
      );
      if (errors.length > 0 || result.emitSkipped)
        throw new Error(
          ts.formatDiagnostics(errors, {
            ...ts.sys,
            getCanonicalFileName: (f) => f,
            getCurrentDirectory: ts.sys.getCurrentDirectory,
            getNewLine: () => '\n',
          }),
        );
    },
  };
}

/**
 * dist/ mirrors src/; the few modules from elsewhere get names of their own: `shaders/<name>.js` (a WGSL
 * file as a string) and `vendor/<package path>.js` (uPlot's CSS as a string; npm never packs a folder named
 * node_modules).
 */
function packageFileName(chunk: Rolldown.PreRenderedChunk): string {
  const id = (chunk.facadeModuleId ?? '').replace(/\?.*$/, '').replaceAll('\\', '/');
  const vendored = id.lastIndexOf('/node_modules/');
  if (vendored >= 0)
    return `vendor/${id.slice(vendored + '/node_modules/'.length).replace(/\.[^./]+$/, '')}.js`;
  if (id.endsWith('.wgsl')) return `shaders/${basename(id, '.wgsl')}.js`;
  return `${chunk.name}.js`;
}

/**
 * The text corpus (1.4 MB) stays out of the package: Vite's library mode would inline it as base64 in every
 * build. `loadTextCorpus` then asks the page for the URL of a text file (src/train/datasets/text-browser.ts).
 */
const noCorpus: Plugin = {
  name: 'pthlab-no-corpus',
  enforce: 'pre',
  resolveId: (id) => (id.endsWith('brown-fiction.txt?url') ? '\0pthlab-no-corpus' : null),
  load: (id) => (id === '\0pthlab-no-corpus' ? "export default '';" : null),
};

/** `new Worker(new URL('./x.ts', import.meta.url)` in a source file: the worker's module, `./x`. */
const workerUrl = /new\s+Worker\(\s*new\s+URL\(\s*'(\.\/[^']+)\.ts'\s*,\s*import\.meta\.url\s*\)/g;

/**
 * A worker is one more entry of the build, not a bundle of its own: Vite's worker plugin would bundle into
 * each worker a copy of every module it imports (the text trainer's holds the engine, 0.3 MB minified), and
 * the package already carries those modules. Before Vite's plugin sees it, `new URL('./x.ts', ...)` becomes a
 * reference to a chunk emitted for `x.ts`, written back as `new URL('./x.js', import.meta.url)`: in dist/ that
 * is x.ts's own per-file module, which an app's bundler (Vite, webpack 5) bundles as the worker from the
 * package's modules; in dist/browser/ a chunk of its own that imports the chunks the entry points share.
 */
const workerModules = (): Plugin => {
  const references = new Set<string>();
  return {
    name: 'pthlab-worker-modules',
    enforce: 'pre',
    apply: 'build',
    transform: {
      filter: { id: /\/src\/.*\.ts$/, code: workerUrl },
      handler(code, id) {
        return code.replaceAll(workerUrl, (_match, path: string) => {
          const reference = this.emitFile({ type: 'chunk', id: resolve(dirname(id), `${path}.ts`) });
          references.add(reference);
          return `new Worker(new URL(import.meta.ROLLUP_FILE_URL_${reference}, import.meta.url)`;
        });
      },
    },
    resolveFileUrl: ({ referenceId, relativePath }) =>
      references.has(referenceId)
        ? JSON.stringify(relativePath.startsWith('../') ? relativePath : `./${relativePath}`)
        : null,
  };
};

export default defineConfig(({ mode }) => {
  if (mode === 'browser') {
    return {
      plugins: [noCorpus, workerModules()],
      build: {
        target: 'es2022',
        outDir: browserDir,
        emptyOutDir: true,
        minify: true,
        // The chunk graph (static and dynamic imports), read by the size budgets (scripts/package-sizes.ts).
        manifest: true,
        lib: {
          entry: Object.fromEntries(
            Object.entries(browserEntries).map(([name, src]) => [name, resolve(src)]),
          ),
          formats: ['es'],
          fileName: (_format, name) => `${name}.js`,
        },
        // Lib mode keeps whitespace in ES output (for the bundlers that read it); this build is read by pages.
        rolldownOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true } },
      },
      base: './', // asset URLs relative to the module that names them, never to the page
    };
  }
  if (mode === 'cli') {
    return {
      plugins: [noCorpus],
      build: {
        target: 'node20',
        outDir: cliDir,
        emptyOutDir: true,
        minify: false,
        lib: { entry: resolve(cliEntry), formats: ['es'], fileName: () => 'pthlab.js' },
        rolldownOptions: {
          external: (id) => id.startsWith('node:'),
          output: { chunkFileNames: 'chunks/[name]-[hash].js' },
        },
      },
    };
  }
  const sources = Object.values(entryPoints);
  return {
    plugins: [noCorpus, workerModules(), declarations(sources, 'dist')],
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: true, // the browser build runs after this one, into dist/browser/
      minify: false,
      lib: { entry: sources.map((src) => resolve(src)), formats: ['es'] },
      rolldownOptions: {
        external: (id) => id.startsWith('node:') || dependency.test(id),
        output: {
          preserveModules: true,
          preserveModulesRoot: 'src',
          entryFileNames: packageFileName,
        },
      },
    },
    base: './',
  };
});
