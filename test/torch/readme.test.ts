/**
 * The README's example runs as written: its first TypeScript block saves a state_dict, its Python block
 * loads it in real torch 2.6 (weights_only=True by default) and saves it back, its last TypeScript block
 * reads torch's file. The code is taken from README.md itself, so the README cannot drift from the truth.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot, runDocTs } from './fixtures.ts';
import { runTorch, scratchDir } from './harness.ts';

const section = readFileSync(join(repoRoot, 'README.md'), 'utf8').split('## Save in the browser')[1] ?? '';
const blocks = [...section.matchAll(/```(ts|python)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1],
  code: m[2] ?? '',
}));
const scratch = scratchDir('2.6');
afterAll(() => scratch.cleanup());

/** Runs TypeScript from a file inside the repository, so `pthlab/checkpoint` resolves to this package. */
function runTs(name: string, code: string): string {
  const dir = join(repoRoot, '.cache', 'readme');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, code);
  return runDocTs(file, scratch.hostPath);
}

it('the README example saves in pthlab, loads and saves in torch 2.6, and loads back in pthlab', async () => {
  expect(blocks.map((b) => b.lang)).toEqual(['ts', 'python', 'ts']);
  const [save, python, load] = blocks.map((b) => b.code);
  runTs('save.ts', save as string);

  writeFileSync(join(scratch.hostPath, 'snippet.py'), python as string);
  const printed = await runTorch('2.6', 'run_snippet.py', [scratch.pyPath, `${scratch.pyPath}/snippet.py`]);
  expect(printed).toContain('6.5000, 14.5000');

  const output = runTs('load.ts', `${save as string}\n${load as string}`);
  expect(output).toContain('[ 2, 3 ] Float32Array(6) [ 2, 4, 6, 8, 10, 12 ]');
});
