/**
 * `npm run build:lib`: pthlab as an ES module library in dist/lib, with types. Each entry point is built to
 * `dist/lib/<path>/index.js` beside tsc's `index.d.ts`, so an import of the .js finds its types. Dependencies
 * (lit, uplot, fflate, idb) are bundled in: a page imports these files and needs nothing else.
 */
import { resolve } from 'node:path';
import ts from 'typescript';
import { type Plugin, defineConfig } from 'vite';

/** Entry name (its path under dist/lib, without .js) -> source. */
const entries: Record<string, string> = {
  'ui/index': 'src/ui/index.ts',
  'checkpoint/index': 'src/checkpoint/index.ts',
  'tensor/index': 'src/tensor/index.ts',
  'nn/index': 'src/nn/index.ts',
  'optim/index': 'src/optim/index.ts',
  'train/index': 'src/train/index.ts',
  'train/datasets/index': 'src/train/datasets/index.ts',
};

const outDir = 'dist/lib';

/** tsc's declaration emit (`--emitDeclarationOnly`) for the entries, with tsconfig.json's options. */
function declarations(): Plugin {
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
      const program = ts.createProgram(Object.values(entries), {
        ...config.options,
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        rootDir: 'src',
        outDir,
      });
      const result = program.emit();
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

export default defineConfig({
  plugins: [declarations()],
  build: {
    target: 'es2022',
    outDir,
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    lib: {
      entry: Object.fromEntries(Object.entries(entries).map(([name, src]) => [name, resolve(src)])),
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
  },
});
