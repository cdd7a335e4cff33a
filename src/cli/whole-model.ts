/**
 * `pthlab convert IN OUT --whole-model [--arch ARCH.json]`: OUT is what `torch.save(model)` writes, the
 * torch.nn modules themselves in eval mode (src/nn/whole-model.ts), so `torch.load(OUT, weights_only=False)`
 * gives a ready model with no code of the user's.
 */
import { saveWholeModel, wholeModelClasses } from '../nn/index.ts';
import { archiveRootFor, writeBytesAtomic } from './files.ts';
import { loadModelInput } from './model-input.ts';

/** Writes OUT; returns the lines to tell the user (how to load it in each torch). */
export async function convertToWholeModel(
  input: string,
  output: string,
  archPath: string | undefined,
): Promise<string[]> {
  const { stateDict, arch } = await loadModelInput(input, archPath, 'convert --whole-model');
  writeBytesAtomic(output, saveWholeModel(arch, stateDict, { root: archiveRootFor(output) }));
  return [
    `wrote the whole model (torch.nn.${arch.type}, eval mode) -> ${output}`,
    `load it with torch.load(${JSON.stringify(output)}, weights_only=False) (only from a source you trust),`,
    `or in torch >= 2.6 with weights_only=True inside torch.serialization.safe_globals([${wholeModelClasses(arch).join(', ')}])`,
  ];
}
