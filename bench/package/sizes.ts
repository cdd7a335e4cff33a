/**
 * What a page downloads for each entry point of the browser build (dist/browser/): the entry file and every
 * chunk it imports statically, transitively, read from the build's manifest (Vite's record of the chunk
 * graph). Chunks behind a dynamic `import()` (loaded only when a feature is used) are counted apart, as
 * `lazy`. Sizes are of the minified files and of their gzip (zlib's default level), per file, summed.
 * Deterministic, so the budgets are checked by test/browser/package.test.ts, not only printed by the bench.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { browserDir, browserName, entryPoints } from '../../scripts/package-entries.ts';

/** Most gzipped bytes a page may download at import, per entry point (kB = 1000 bytes). */
export const gzipBudgets: Readonly<Record<string, number>> = {
  './ui': 180_000,
  './checkpoint': 40_000,
};

export interface EntrySize {
  /** The subpath of `pthlab`: `.`, `./ui`, ... */
  readonly entry: string;
  /** Files fetched at import, the entry included. */
  readonly files: number;
  readonly bytes: number;
  readonly gzip: number;
  /** Gzipped bytes of the chunks only a dynamic import() reaches. */
  readonly lazyGzip: number;
}

interface ManifestChunk {
  readonly file: string;
  readonly imports?: readonly string[];
  readonly dynamicImports?: readonly string[];
}

/** One row per entry point of package-entries.ts, from the browser build under `root`. */
export function browserSizes(root: string): EntrySize[] {
  const dir = join(root, browserDir);
  const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const byFile = new Map(Object.entries(manifest).map(([key, chunk]) => [chunk.file, key]));
  const sizes = new Map<string, { bytes: number; gzip: number }>();
  const sizeOf = (file: string) => {
    let size = sizes.get(file);
    if (size === undefined) {
      const bytes = readFileSync(join(dir, file));
      size = { bytes: bytes.byteLength, gzip: gzipSync(bytes).byteLength };
      sizes.set(file, size);
    }
    return size;
  };
  /** Keys of `start` and of everything it imports statically. */
  const closure = (start: readonly string[]): Set<string> => {
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const next of manifest[key]?.imports ?? []) visit(next);
    };
    start.forEach(visit);
    return seen;
  };
  return Object.keys(entryPoints).map((entry) => {
    const key = byFile.get(`${browserName(entry)}.js`);
    if (key === undefined) throw new Error(`${browserDir}/${browserName(entry)}.js is not in the build`);
    const eager = closure([key]);
    const dynamic = [...eager].flatMap((k) => manifest[k]?.dynamicImports ?? []);
    const lazy = [...closure(dynamic)].filter((k) => !eager.has(k));
    const sum = (keys: Iterable<string>, field: 'bytes' | 'gzip') =>
      [...keys].reduce((total, k) => total + sizeOf((manifest[k] as ManifestChunk).file)[field], 0);
    return {
      entry,
      files: eager.size,
      bytes: sum(eager, 'bytes'),
      gzip: sum(eager, 'gzip'),
      lazyGzip: sum(lazy, 'gzip'),
    };
  });
}
