/**
 * inferShapes (src/nn/shapes.ts) against torch 2.6: each spec of test/support/shape-cases.ts is built with
 * examples/pytorch/pthlab_arch.py and run layer by layer on zeros (test/torch/py/engine/shapes.py). Where
 * torch fits, inference gives its shapes and parameter counts, or refuses as a pthlab limit (`unsupported`);
 * where torch refuses a layer, inference refuses the same layer, and where it claims torch's wording the
 * message is torch's, word for word.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferShapes } from '../../../src/nn/shapes.ts';
import { type ShapeCase, fits, limits, misfits } from '../../support/shape-cases.ts';
import { repoRoot } from '../fixtures.ts';
import { scratchDir } from '../harness.ts';
import { torchJson } from './torch-json.ts';

type TorchRun =
  { shapes: number[][]; params: number[] } | { failed_at: number; error: string; message: string };

const cases: readonly ShapeCase[] = [...fits, ...misfits, ...limits];
const infer = (c: ShapeCase) => inferShapes(c.spec, c.input, c.dtype === undefined ? {} : { dtype: c.dtype });

describe('shape inference vs torch 2.6', () => {
  let runs: TorchRun[];
  let scratch: ReturnType<typeof scratchDir>;

  beforeAll(async () => {
    scratch = scratchDir('2.6');
    copyFileSync(join(repoRoot, 'examples/pytorch/pthlab_arch.py'), join(scratch.hostPath, 'pthlab_arch.py'));
    const cfg = { arch_module_dir: scratch.pyPath, cases };
    runs = await torchJson<TorchRun[]>('2.6', 'shapes.py', [JSON.stringify(cfg)]);
  });
  afterAll(() => scratch?.cleanup());

  cases.forEach((c, i) => {
    it(c.name, () => {
      const run = runs[i]!;
      const report = infer(c);
      if ('shapes' in run) {
        if (report.error !== undefined) {
          expect(report.error.unsupported, `torch runs it; inference says: ${report.error.message}`).toBe(
            true,
          );
          return;
        }
        expect(report.layers.map((l) => l.output)).toEqual(run.shapes);
        expect(report.layers.map((l) => l.params)).toEqual(run.params);
        return;
      }
      expect(report.error, `torch refuses layer ${run.failed_at}: ${run.message}`).toBeDefined();
      expect(report.error?.index).toBe(run.failed_at);
      if (report.error?.wording === 'torch') expect(report.error.message).toBe(run.message);
    });
  });

  it('every fit fits in torch, every misfit is refused by torch, and most refusals use its words', () => {
    const fitted = fits.map((c) => 'shapes' in runs[cases.indexOf(c)]!);
    expect(fitted).toEqual(fits.map(() => true));
    const refused = misfits.map((c) => 'failed_at' in runs[cases.indexOf(c)]!);
    expect(refused).toEqual(misfits.map(() => true));
    const torchWorded = misfits.filter((c) => infer(c).error?.wording === 'torch');
    expect(torchWorded.length).toBeGreaterThanOrEqual(30);
  });
});
