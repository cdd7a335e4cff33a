/**
 * The model a model-management command (`convert --whole-model`, `fold-bn`, `prune`, `align`) works on: a
 * state_dict with `--arch ARCH.json`, or a general checkpoint that records its `arch` (`--arch` wins when
 * both are there). Whole-model files read back as their state_dict (src/checkpoint/torch/whole-model.ts).
 */
import { PyDict } from '../checkpoint/index.ts';
import { stateDictOf } from '../analysis/index.ts';
import type { ModuleSpec } from '../nn/index.ts';
import { CHECKPOINT_FORMAT_VERSION, PTHLAB_VERSION, readGeneralCheckpoint } from '../train/index.ts';
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

/**
 * A model as a general checkpoint holding only what a new architecture needs: `model_state_dict` and `arch`
 * (JSON text), with pthlab's version, so `pthlab train --resume`'s reader and `pthlab_arch.load_checkpoint`
 * open it, and torch.load with weights_only=True.
 */
export function modelCheckpoint(arch: ModuleSpec, stateDict: PyDict): PyDict {
  const pthlab = new PyDict('dict', [
    ['version', PTHLAB_VERSION],
    ['format_version', BigInt(CHECKPOINT_FORMAT_VERSION)],
  ]);
  return new PyDict('dict', [
    ['model_state_dict', stateDict],
    ['arch', JSON.stringify(arch)],
    ['pthlab', pthlab],
  ]);
}
