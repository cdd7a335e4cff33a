/**
 * The npm package's builds (`npm run build:lib`, run by `prepack`), both ES modules:
 *  - `dist/` (default mode): for Node and bundlers. One output file per source file (bundlers tree-shake
 *    by file; package.json's `sideEffects` names the files that define elements), dependencies left as
 *    imports so an app's bundle holds one Lit, `.d.ts` beside each `.js`.
 *  - `dist/cli/` (`--mode cli`): the `pthlab` command as one file (plus the chunks it imports lazily),
 *    everything but Node's own modules bundled in: Node starts it about 0.1 s sooner than the same code
 *    as the package's 200 files.
 *  - `dist/browser/` (`--mode browser`): for a page without a bundler (an import map, or a CDN URL). One
 *    file per entry point plus shared chunks, dependencies bundled in, minified. A chunk imports its
 *    neighbours by relative URL and Vite writes `new URL('./x', import.meta.url)` assets (workers, data)
 *    beside them, so everything resolves relative to the module, never to the page.
 * Shaders are inlined as strings by src/gpu/shader-source.ts's import.meta.glob in both.
 */
import { basename, resolve } from 'node:path';
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

export default defineConfig(({ mode }) => {
  if (mode === 'browser') {
    return {
      plugins: [noCorpus],
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
      worker: { format: 'es' },
      base: './', // asset and worker URLs relative to the module that names them, never to the page
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
    plugins: [noCorpus, declarations(sources, 'dist')],
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
    // A worker is one bundle of all it imports (the text trainer's holds the whole engine), read by no one:
    // minified, as in dist/browser/, so the package carries it at half the size.
    worker: { format: 'es', rolldownOptions: { output: { minify: true } } },
    base: './',
  };
});
