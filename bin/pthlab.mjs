#!/usr/bin/env node
// The `pthlab` command. Installed from npm it runs the compiled JavaScript of dist/cli/ (built by `prepack`);
// in a checkout, where src/ is present, it runs the TypeScript sources through tsx (a dev dependency), so
// an edit needs no build.
import { existsSync } from 'node:fs';
import module from 'node:module';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  module.enableCompileCache?.(); // Node 22.1+: V8's code cache on disk, a faster second start
  await import('../dist/cli/pthlab.js');
}
