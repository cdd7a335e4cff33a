/// <reference types="vite/client" />
/**
 * WGSL sources from shaders/<name>.wgsl, in all three places the library runs:
 *  - Vite and Vitest: import.meta.glob inlines the files as strings at build time;
 *  - plain Node (tsx, the CLI): import.meta.glob does not exist there, so the file is read with node:fs,
 *    imported dynamically under a variable name so browser bundles never see it.
 * Kernel hosts encode synchronously (a backend op must record its dispatch before it returns), so they read
 * shaders through loadShaderSync: always ready under Vite; in plain Node after preloadShaders()
 * (GpuRuntime.create and createWebGpuBackend call it). A line `// #include name` stands for shaders/name.wgsl
 * (helpers that several shaders share, written once); both loaders put it in its place.
 */

interface NodeFs {
  readFile(url: URL, encoding: 'utf8'): Promise<string>;
  readdir(url: URL): Promise<string[]>;
}

/**
 * node:fs/promises under a name no bundler reads: Vite's library build folds a constant name into a literal
 * `import('node:fs/promises')`, which an app's bundler (esbuild, webpack) then fails to resolve for the
 * browser, though this path only ever runs in plain Node.
 */
function nodeFs(): Promise<NodeFs> {
  const name = ['node:fs', 'promises'].join('/');
  return import(/* @vite-ignore */ name) as Promise<NodeFs>;
}

let bundled: Record<string, string> | null | undefined;

function bundledSources(): Record<string, string> | null {
  if (bundled !== undefined) return bundled;
  try {
    const files = import.meta.glob('../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true });
    bundled = {};
    for (const [path, text] of Object.entries(files)) bundled[shaderName(path)] = text as string;
  } catch {
    bundled = null; // not under Vite: import.meta.glob is undefined
  }
  return bundled;
}

function shaderName(path: string): string {
  return path.replace(/^.*\//, '').replace(/\.wgsl$/, '');
}

const cache = new Map<string, string>();

const includeLine = /^\/\/ #include (\w+)[ \t]*$/gm;

/** `text` with each `// #include name` line replaced by that shader's text (its own includes resolved). */
function withIncludes(text: string, source: (name: string) => string): string {
  return text.replace(includeLine, (_, name: string) => source(name));
}

/** The text of shaders/<name>.wgsl; throws naming the file when it does not exist. */
export async function loadShader(name: string): Promise<string> {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  if (bundledSources()) return loadShaderSync(name);
  const fs = await nodeFs();
  // @vite-ignore: Vite would otherwise bundle every shader a second time, as URLs, for this Node-only path.
  const url = new URL(/* @vite-ignore */ `../../shaders/${name}.wgsl`, import.meta.url);
  const raw = await fs.readFile(url, 'utf8').catch(() => undefined);
  if (raw === undefined) throw new Error(`no shader named ${name} (shaders/${name}.wgsl)`);
  for (const [, dep] of raw.matchAll(includeLine)) await loadShader(dep as string);
  const text = withIncludes(raw, (dep) => cache.get(dep) as string);
  cache.set(name, text);
  return text;
}

/** The text of shaders/<name>.wgsl, synchronously: bundled (Vite) or loaded before by preloadShaders. */
export function loadShaderSync(name: string): string {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const raw = bundledSources()?.[name];
  if (raw !== undefined) {
    const text = withIncludes(raw, loadShaderSync);
    cache.set(name, text);
    return text;
  }
  throw new Error(
    bundledSources()
      ? `no shader named ${name} (shaders/${name}.wgsl)`
      : `shader ${name} is not loaded: await preloadShaders() first (plain Node reads shaders/ with node:fs)`,
  );
}

/** Loads every shaders/*.wgsl into the cache (a no-op under Vite, where they are bundled). */
export async function preloadShaders(): Promise<void> {
  if (bundledSources()) return;
  const fs = await nodeFs();
  const files = await fs.readdir(new URL(/* @vite-ignore */ '../../shaders/', import.meta.url));
  await Promise.all(files.filter((f) => f.endsWith('.wgsl')).map((f) => loadShader(shaderName(f))));
}

/** Which loader serves shaders here: 'bundle' (Vite, Vitest) or 'fs' (plain Node). */
export function shaderLoaderKind(): 'bundle' | 'fs' {
  return bundledSources() ? 'bundle' : 'fs';
}
