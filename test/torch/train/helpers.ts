/** Shared by the `pthlab train` torch tests: running the CLI, the reference scripts, and staged cases. */
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { PyDict } from '../../../src/checkpoint/index.ts';
import { StoredTensor, loadCheckpoint } from '../../../src/checkpoint/index.ts';
import { runTorch, scratchDir } from '../harness.ts';
import type { JsonTensor } from '../engine/torch-json.ts';
import type { TrainCase } from './cases.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const archModule = join(repo, 'examples/pytorch/pthlab_arch.py');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node bin/pthlab.mjs ...args` from the repository root. */
export function pthlab(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repo, 'bin/pthlab.mjs'), ...args],
      { cwd: repo, env: { ...process.env, ...env }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs the CLI and fails the test, showing stderr, when it does not exit 0. */
export async function pthlabOk(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const r = await pthlab(args, env);
  expect(r.code, `pthlab ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

/** A scratch directory in torch 2.6's chroot with pthlab_arch.py staged; `host(name)` / `py(name)` paths. */
export interface TrainScratch {
  host(name: string): string;
  py(name: string): string;
  archDir: string;
  cleanup(): void;
}

export function trainScratch(): TrainScratch {
  const s = scratchDir('2.6');
  copyFileSync(archModule, join(s.hostPath, 'pthlab_arch.py'));
  return {
    host: (name) => join(s.hostPath, name),
    py: (name) => `${s.pyPath}/${name}`,
    archDir: s.pyPath,
    cleanup: s.cleanup,
  };
}

/** Runs test/torch/py/train/<script> under torch 2.6 with one JSON argument; parses its last line. */
export async function torchTrain<T>(script: string, cfg: object): Promise<T> {
  const stdout = await runTorch('2.6', `train/${script}`, [JSON.stringify(cfg)]);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;
}

/**
 * A case's starting point in `dir`, made by torch: `arch.json`, then `data.safetensors` and `init.pth` (the
 * module's initial weights) from make_case.py with `seed`.
 */
export async function makeCase(dir: TrainScratch, c: TrainCase, seed: number): Promise<void> {
  writeFileSync(dir.host('arch.json'), JSON.stringify(c.arch));
  await torchTrain('make_case.py', {
    arch_module_dir: dir.archDir,
    arch: c.arch,
    x_shape: c.xShape,
    classes: c.classes,
    seed,
    data: dir.py('data.safetensors'),
    init: dir.py('init.pth'),
  });
}

/** `pthlab train` flags that start the case from `makeCase`'s arch and weights with its optimizer. */
export function freshRunFlags(dir: TrainScratch, c: TrainCase): string[] {
  return [
    ...['--arch', dir.host('arch.json'), '--init', dir.host('init.pth'), '--loss', 'cross_entropy'],
    ...['--optim', c.optim, '--lr', String(c.lr), ...c.flags],
  ];
}

export interface ReferenceRun {
  loss: number[];
  state_dict: Record<string, JsonTensor>;
}

export function readLog(path: string): number[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { loss: number[] }).loss;
}

/** A checkpoint file's top-level dict. */
export function readDict(path: string): PyDict {
  return loadCheckpoint(new Uint8Array(readFileSync(path))).value as PyDict;
}

/** A state_dict PyDict as {name: float values}. */
export function stateValues(sd: PyDict): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [k, v] of sd) {
    if (!(v instanceof StoredTensor)) continue;
    const a = v.toTypedArray();
    out.set(String(k), Array.from(a as ArrayLike<number | bigint>, Number));
  }
  return out;
}

/** |a - e| <= atol + rtol * |e|, naming the first mismatches. */
export function expectAllClose(
  actual: readonly number[],
  expected: readonly number[],
  what: string,
  rtol: number,
  atol: number,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const bad: string[] = [];
  expected.forEach((e, i) => {
    const a = actual[i] as number;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) bad.push(`[${i}] ${a} vs torch ${e}`);
  });
  expect(bad.slice(0, 5), `${what}: ${bad.length} of ${expected.length} differ`).toEqual([]);
}

/** The final weights of a pthlab OUT file against torch's state_dict, within atol + rtol. */
export function expectWeightsClose(
  outPath: string,
  torchSd: Record<string, JsonTensor>,
  rtol: number,
  atol: number,
): void {
  const ours = stateValues(readDict(outPath).get('model_state_dict') as PyDict);
  expect([...ours.keys()]).toEqual(Object.keys(torchSd));
  for (const [k, values] of ours) expectAllClose(values, torchSd[k]!.data, k, rtol, atol);
}
