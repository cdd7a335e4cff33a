/** Round-trip bookkeeping: running examples/pytorch scripts under real torch, and measured differences. */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { PyDict } from '../../../src/checkpoint/index.ts';
import { repoRoot } from '../fixtures.ts';
import { type TorchVersion, runTorch } from '../harness.ts';
import type { JsonTensor } from '../engine/torch-json.ts';
import { readDict, stateValues } from '../train/helpers.ts';

/** Copies examples/pytorch/{pthlab_arch,resume}.py into a scratch directory (host path). */
export function stageExamples(hostDir: string): void {
  for (const name of ['pthlab_arch.py', 'resume.py'])
    copyFileSync(join(repoRoot, 'examples/pytorch', name), join(hostDir, name));
}

/** `python SCRIPT ARGS` under the given torch, through test/torch/py/roundtrip/run_example.py. */
export function runExample(version: TorchVersion, script: string, args: readonly string[]): Promise<string> {
  return runTorch(version, 'roundtrip/run_example.py', [script, ...args]);
}

export interface Difference {
  /** max |a - e| */
  maxAbs: number;
  /** max |a - e| / |e| over elements with |e| >= 1e-2 (near-zero elements make a ratio meaningless) */
  maxRel: number;
}

export function difference(actual: readonly number[], expected: readonly number[]): Difference {
  expect(actual.length).toBe(expected.length);
  let maxAbs = 0;
  let maxRel = 0;
  expected.forEach((e, i) => {
    const d = Math.abs((actual[i] as number) - e);
    if (!(d <= maxAbs)) maxAbs = d; // NaN propagates as a failure below
    if (Math.abs(e) >= 1e-2) maxRel = Math.max(maxRel, d / Math.abs(e));
  });
  return { maxAbs, maxRel };
}

/** The largest difference over every tensor of a checkpoint's model_state_dict against torch's. */
export function weightDifference(outPath: string, torchSd: Record<string, JsonTensor>): Difference {
  const ours = stateValues(readDict(outPath).get('model_state_dict') as PyDict);
  expect([...ours.keys()]).toEqual(Object.keys(torchSd));
  const all = { maxAbs: 0, maxRel: 0 };
  for (const [k, values] of ours) {
    const d = difference(values, torchSd[k]!.data);
    all.maxAbs = Math.max(all.maxAbs, d.maxAbs);
    all.maxRel = Math.max(all.maxRel, d.maxRel);
  }
  return all;
}

/** One line for the test log: `what: max abs X, max rel Y`. */
export function report(what: string, d: Difference): void {
  console.log(`${what}: max abs ${d.maxAbs.toExponential(2)}, max rel ${d.maxRel.toExponential(2)}`);
}
