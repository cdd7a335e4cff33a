/**
 * The package's entry points, in one table: the build (vite.lib.config.ts), the size budgets
 * (package-sizes.ts) and the install test read it, and package.json's `exports` must name each (the test
 * checks). A new entry point is one line here and one in `exports`.
 */

/** Subpath of `pthlab` (`.` for the bare import) -> its source. */
export const entryPoints: Record<string, string> = {
  '.': 'src/index.ts',
  './checkpoint': 'src/checkpoint/index.ts',
  './tensor': 'src/tensor/index.ts',
  './nn': 'src/nn/index.ts',
  './optim': 'src/optim/index.ts',
  './train': 'src/train/index.ts',
  './train/datasets': 'src/train/datasets/index.ts',
  './ui': 'src/ui/index.ts',
  './tools': 'src/ui/tools-index.ts',
};

/** The `pthlab` command: `dist/cli/pthlab.js`, which bin/pthlab.mjs runs in an installed package. */
export const cliEntry = 'src/cli/main.ts';
export const cliDir = 'dist/cli';

/** The browser build: `dist/browser/<name>.js` for each entry point (`pthlab.js` for the bare import). */
export const browserDir = 'dist/browser';
export const browserEntries: Record<string, string> = Object.fromEntries(
  Object.entries(entryPoints).map(([subpath, src]) => [browserName(subpath), src]),
);

/** `./train/datasets` -> `train-datasets`, `.` -> `pthlab`. */
export function browserName(subpath: string): string {
  return subpath === '.' ? 'pthlab' : subpath.slice(2).replaceAll('/', '-');
}
