/**
 * `pthlab align A.pth B.pth OUT.pth [--arch ARCH.json]`: B's hidden units permuted to match A's by weight
 * matching (src/analysis/align.ts). OUT is a state_dict that computes B's function while sitting next to A in
 * weight space, so averaging it with A (`pthlab fuse --align`) no longer crosses the loss barrier.
 */
import { planTorchZip } from '../checkpoint/index.ts';
import { alignStateDicts } from '../analysis/index.ts';
import { UsageError } from './convert.ts';
import { archiveRootFor, writeZipFile } from './files.ts';
import { loadModelInput } from './model-input.ts';

export const alignUsage = `  pthlab align A.pth B.pth OUT.pth [--arch ARCH.json]
                                   permute B's hidden units to match A (weight matching, Git Re-Basin)`;

/** Writes OUT; returns the lines to tell the user. */
export async function alignCommand(
  files: readonly string[],
  archPath: string | undefined,
): Promise<string[]> {
  if (files.length !== 3) throw new UsageError('align takes A, B and OUT');
  const [a, b, out] = files as [string, string, string];
  const first = await loadModelInput(a, archPath, 'align');
  const second = await loadModelInput(b, archPath, 'align', first.arch);
  const result = alignStateDicts(first.arch, first.stateDict, second.stateDict);
  await writeZipFile(out, planTorchZip(result.stateDict, { root: archiveRootFor(out) }));
  const units = result.permutations.map((p) => p.length).join(', ');
  return [
    `aligned B to A over ${result.permutations.length} hidden layer(s) of ${units} units in ${result.sweeps} sweep(s): ` +
      `distance |A - B| ${result.distanceBefore.toPrecision(6)} -> ${result.distanceAfter.toPrecision(6)}`,
    `wrote ${out}: a state_dict computing B's function`,
  ];
}
