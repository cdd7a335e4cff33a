/**
 * The checkpoint tools against real torch 2.6: `pthlab inspect --stats` gives torch's statistics (over the
 * finite elements; NaN/Inf counted), `pthlab fuse` writes what torch's weighted average gives and torch loads
 * it with weights_only=True, `pthlab diff` names the keys that differ.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runTorch, scratchDir } from '../harness.ts';
import { pthlab, pthlabOk } from '../train/helpers.ts';

const dir = scratchDir('2.6');
const host = (f: string) => `${dir.hostPath}/${f}`;
const py = (f: string) => `${dir.pyPath}/${f}`;
const reference = async <T>(cfg: object): Promise<T> =>
  JSON.parse(
    (await runTorch('2.6', 'roundtrip/tools_reference.py', [JSON.stringify(cfg)]))
      .trim()
      .split('\n')
      .at(-1) ?? '',
  ) as T;

beforeAll(async () => {
  await reference({ make: py('a.pth'), make_b: py('b.pth'), make_c: py('c.pth') });
});
afterAll(() => dir.cleanup());

it('inspect --stats matches torch for every tensor', async () => {
  const ours = JSON.parse((await pthlabOk(['inspect', host('a.pth'), '--stats', '--json'])).stdout) as Record<
    string,
    Record<string, number | string>
  >;
  const theirs = await reference<Record<string, Record<string, number | null>>>({ stats: py('a.pth') });
  expect(Object.keys(ours)).toEqual(Object.keys(theirs));
  for (const [key, stats] of Object.entries(theirs)) {
    for (const [name, expected] of Object.entries(stats)) {
      const got = ours[key]?.[name];
      if (expected === null) expect(got, `${key} ${name}`).toBe('NaN');
      else
        expect(
          Math.abs((got as number) - expected),
          `${key} ${name}: ${got} vs ${expected}`,
        ).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
    }
  }
  expect(ours['odd']).toMatchObject({ nanCount: 1, infCount: 1, zeroFraction: 2 / 6 });
  const table = (await pthlabOk(['inspect', host('a.pth'), '--stats'])).stdout;
  expect(table).toContain('L2 norm');
});

it('fuse writes the weighted average torch computes; integer buffers take the maximum', async () => {
  const r = await pthlabOk([
    'fuse',
    host('a.pth'),
    host('b.pth'),
    '--weights',
    '0.25,0.75',
    '--out',
    host('f.pth'),
  ]);
  expect(r.stderr).toContain('maximum');
  expect(r.stderr).toContain('bn.num_batches_tracked');
  const got = await reference<{
    keys: string[];
    type: string;
    worst: Record<string, { maxAbs: number; sameNonFinite: boolean }>;
  }>({
    fuse: [py('a.pth'), py('b.pth')],
    weights: [0.25, 0.75],
    out: py('f.pth'),
  });
  expect(got.type).toBe('OrderedDict');
  expect(got.keys).toEqual(['fc.weight', 'fc.bias', 'bn.running_var', 'bn.num_batches_tracked', 'odd']);
  for (const [k, w] of Object.entries(got.worst)) {
    expect(w.maxAbs, k).toBeLessThanOrEqual(1e-6);
    expect(w.sameNonFinite, k).toBe(true);
  }
});

it('fuse refuses incompatible files, naming the keys, and writes nothing', async () => {
  const r = await pthlab(['fuse', host('a.pth'), host('b.pth'), host('c.pth'), '--out', host('x.pth')]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('the checkpoints are not compatible');
  expect(r.stderr).toContain('missing keys odd');
  expect(r.stderr).toContain('unexpected keys extra');
  expect(r.stderr).toContain('size mismatch for fc.weight');
  expect(existsSync(host('x.pth'))).toBe(false);
  const weights = await pthlab([
    'fuse',
    host('a.pth'),
    host('b.pth'),
    '--weights',
    '1',
    '--out',
    host('x.pth'),
  ]);
  expect(weights.stderr).toContain('--weights has 1 numbers for 2 checkpoints');
});

it('diff names the keys that differ and their relative change', async () => {
  const same = await pthlabOk(['diff', host('a.pth'), host('a.pth')]);
  expect(same.stdout).toContain('the 5 tensors are equal');
  const r = await pthlabOk(['diff', host('a.pth'), host('b.pth')]);
  expect(r.stdout).toMatch(/3 of 5 keys differ: fc\.weight, bn\.running_var, bn\.num_batches_tracked/);
});
