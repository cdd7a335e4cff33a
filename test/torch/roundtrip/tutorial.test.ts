/**
 * docs/tutorial.md runs as written: its blocks in order in one scratch directory of torch 2.6's chroot.
 * Python blocks through test/torch/py/roundtrip/run_block.py (run_snippet.py plus the directory on sys.path); TypeScript through tsx from a file inside the repository
 * (so `pthlab/checkpoint` resolves); `sh` lines as `pthlab ...` (bin/pthlab.mjs) or `python SCRIPT ...`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot, runDocTs } from '../fixtures.ts';
import { runTorch, scratchDir } from '../harness.ts';
import { pthlabOk } from '../train/helpers.ts';
import { runExample, stageExamples } from './measure.ts';

const text = readFileSync(join(repoRoot, 'docs/tutorial.md'), 'utf8');
const blocks = [...text.matchAll(/```(ts|python|sh)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1] as string,
  code: m[2] ?? '',
}));
const scratch = scratchDir('2.6');
afterAll(() => scratch.cleanup());

it('every block of docs/tutorial.md runs, in order', async () => {
  expect(blocks.length).toBeGreaterThanOrEqual(8);
  stageExamples(scratch.hostPath);
  const printed: string[] = [];
  for (const [i, block] of blocks.entries()) {
    if (block.lang === 'python') {
      writeFileSync(join(scratch.hostPath, `block${i}.py`), block.code);
      printed.push(
        await runTorch('2.6', 'roundtrip/run_block.py', [scratch.pyPath, `${scratch.pyPath}/block${i}.py`]),
      );
    } else if (block.lang === 'ts') {
      const dir = join(repoRoot, '.cache', 'tutorial');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `block${i}.ts`), block.code);
      printed.push(runDocTs(join(dir, `block${i}.ts`), scratch.hostPath));
    } else {
      for (const line of block.code.split('\n').filter((l) => l.trim() !== '')) {
        const [command, ...args] = line.split(/\s+/);
        if (command === 'pthlab') {
          const absolute = args.map((a) =>
            /\.(pth|json|safetensors)$/.test(a) ? join(scratch.hostPath, a) : a,
          );
          printed.push((await pthlabOk(absolute)).stdout);
        } else if (command === 'python') {
          const [script, ...rest] = args;
          const py = (a: string) => (/\.(pth|py|safetensors)$/.test(a) ? `${scratch.pyPath}/${a}` : a);
          printed.push(await runExample('2.6', py(script as string), rest.map(py)));
        } else {
          throw new Error(`tutorial: unknown command in a sh block: ${line}`);
        }
      }
    }
  }
  const all = printed.join('\n');
  expect(all).toContain('L2 norm'); // inspect --stats
  expect(all).toMatch(/step 20 predictions \[\d, \d\]/);
  expect(all).toContain('step 20n keys 0.weight 0.bias 1.weight');
  expect(all).toContain('resume.py: step 60');
  expect(all).toContain('examples/pytorch/resume.py (torch'); // inspect shows the writer
  expect(all).toContain('step 80 batches tracked 80');
  // 7: the whole model in eval mode, the modes compared, the fold, the pruning.
  expect(all).toContain('whole model in training mode: False False');
  expect(all).toContain('train and eval modes agree: False');
  expect(all).toContain("folded: ['Linear', 'ReLU', 'Linear'] same outputs: True");
  expect(all).toContain('pruned zeros: 0.5');
});
