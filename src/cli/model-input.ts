/**
 * The model a model-management command (`convert --whole-model`, `fold-bn`, `prune`, `align`) works on: a
 * state_dict with `--arch ARCH.json`, or a general checkpoint that records its `arch` (`--arch` wins when
 * both are there). Whole-model files read back as their state_dict (src/checkpoint/torch/whole-model.ts).
 */
import type { PyDict } from '../checkpoint/index.ts';
import { stateDictOf } from '../analysis/index.ts';
import type { ModuleSpec } from '../nn/index.ts';
import { readGeneralCheckpoint } from '../train/index.ts';
import { UsageError } from './convert.ts';
import { loadCheckpointFile } from './load-file.ts';
import { readArch } from './train.ts';

export interface ModelInput {
  readonly stateDict: PyDict;
  readonly arch: ModuleSpec;
  /** The file was a general checkpoint (its other entries are not carried over). */
  readonly general: boolean;
}

export async function loadModelInput(
  path: string,
  archPath: string | undefined,
  command: string,
  /** The architecture when neither `--arch` nor the file gives one (B of `align`, taking A's). */
  fallback?: ModuleSpec,
): Promise<ModelInput> {
  const { value } = await loadCheckpointFile(path);
  const { stateDict, general } = stateDictOf(value, path);
  const recorded = general ? readGeneralCheckpoint(value).arch : undefined;
  const arch = archPath !== undefined ? readArch(archPath) : (recorded ?? fallback);
  if (arch === undefined) {
    throw new UsageError(`${command}: --arch ARCH.json is required (${path} records no architecture)`);
  }
  return { stateDict, arch, general };
}

export { modelCheckpoint } from '../train/index.ts';
