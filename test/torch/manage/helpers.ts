/** Shared by the model-management torch tests: a scratch directory per torch, the reference scripts' JSON. */
import { writeFileSync } from 'node:fs';
import { runTorch, scratchDir, type TorchVersion } from '../harness.ts';

export interface Scratch {
  host(name: string): string;
  py(name: string): string;
  /** Writes `value` as JSON to `name`; returns its host path. */
  json(name: string, value: unknown): string;
  cleanup(): void;
}

export function scratch(version: TorchVersion): Scratch {
  const dir = scratchDir(version);
  const host = (name: string) => `${dir.hostPath}/${name}`;
  return {
    host,
    py: (name) => `${dir.pyPath}/${name}`,
    json: (name, value) => {
      writeFileSync(host(name), JSON.stringify(value));
      return host(name);
    },
    cleanup: dir.cleanup,
  };
}

/** Runs test/torch/py/manage/`script` with one JSON argument; resolves to the JSON of its last line. */
export async function reference<T>(version: TorchVersion, script: string, cfg: object): Promise<T> {
  const stdout = await runTorch(version, `manage/${script}`, [JSON.stringify(cfg)]);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;
}
