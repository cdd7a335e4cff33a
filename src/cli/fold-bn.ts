/**
 * `pthlab fold-bn IN OUT [--arch ARCH.json]`: every Conv2d or Linear followed by its BatchNorm becomes one
 * layer with the folded weight and bias (src/analysis/fold-bn.ts). OUT is a general checkpoint whose arch has
 * no such BatchNorm left and whose outputs equal IN's in eval mode.
 */
import { planTorchZip } from '../checkpoint/index.ts';
import { foldBatchNorm } from '../analysis/index.ts';
import { archiveRootFor, writeZipFile } from './files.ts';
import { loadModelInput, modelCheckpoint } from './model-input.ts';

export const foldUsage = `  pthlab fold-bn IN OUT [--arch ARCH.json]
                                   fold each BatchNorm into the Conv2d/Linear before it (inference fusion)`;

/** Writes OUT; returns the lines to tell the user. */
export async function foldCommand(
  input: string,
  output: string,
  archPath: string | undefined,
): Promise<string[]> {
  const { stateDict, arch } = await loadModelInput(input, archPath, 'fold-bn');
  const result = foldBatchNorm(arch, stateDict);
  await writeZipFile(
    output,
    planTorchZip(modelCheckpoint(result.arch, result.stateDict), { root: archiveRootFor(output) }),
  );
  const pairs = result.folded.map(([layer, bn]) => `${layer}+${bn}`).join(', ');
  return [
    ...result.notes.map((n) => `note: ${n}`),
    `folded ${result.folded.length} BatchNorm layer(s) (layers ${pairs || 'none'}) -> ${output}: a general checkpoint with its arch; equal outputs in eval mode only`,
  ];
}
