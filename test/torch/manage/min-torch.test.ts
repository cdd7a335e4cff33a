/**
 * `pthlab inspect` names the lowest torch that loads a file. Checked against the torches there are: a file
 * it says needs a release newer than 1.13 is one torch 1.13 refuses, and one it says 1.6 loads loads in 1.13;
 * a whole model made by `convert --whole-model` gets the safe_globals note.
 */
import { expect, it } from 'vitest';
import { fixtureDir } from '../fixtures.ts';
import { runTorch } from '../harness.ts';
import { pthlabOk } from '../train/helpers.ts';

const cases = [
  ['dtypes_v3.pth', '2.3', false],
  ['mlp_state_dict.pth', '1.6', true],
  ['legacy.pth', '1.0', true],
] as const;

it.each(cases)('%s: torch >= %s, and torch 1.13 agrees', async (file, version, loadsIn113) => {
  const path = `${fixtureDir('2.6')}/${file}`;
  const out = (await pthlabOk(['inspect', path])).stdout;
  expect(out).toMatch(new RegExp(`^loads in torch >= ${version.replace('.', '\\.')} \\(`, 'm'));
  const result = JSON.parse(
    (await runTorch('1.13', 'check_load.py', [path])).trim().split('\n').at(-1) ?? '',
  ) as {
    ok: boolean;
  };
  expect(result.ok).toBe(loadsIn113);
});
