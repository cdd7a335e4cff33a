/**
 * `pthlab prune IN OUT [--arch ARCH.json] --method l1 --amount F [--global] [--remove]`: every Linear and
 * Conv2d weight pruned by magnitude (src/analysis/prune.ts). OUT is a state_dict in torch.nn.utils.prune's
 * layout (`weight_orig` and `weight_mask`), or with `--remove` the plain pruned weights.
 */
import { planTorchZip } from '../checkpoint/index.ts';
import { pruneStateDict } from '../analysis/index.ts';
import { UsageError } from './convert.ts';
import { archiveRootFor, writeZipFile } from './files.ts';
import { loadModelInput } from './model-input.ts';

export const pruneUsage = `  pthlab prune IN OUT [--arch ARCH.json] --method l1 --amount F [--global] [--remove]
                                   prune Linear/Conv2d weights as torch.nn.utils.prune (F: fraction, or an int count)`;

export interface PruneArgs {
  readonly input: string;
  readonly output: string;
  readonly arch: string | undefined;
  readonly method: string | undefined;
  readonly amount: string | undefined;
  readonly global: boolean;
  readonly remove: boolean;
}

/** Writes OUT; returns the lines to tell the user. */
export async function pruneCommand(args: PruneArgs): Promise<string[]> {
  if (args.method !== 'l1')
    throw new UsageError('prune: --method l1 is required (magnitude, as prune.l1_unstructured)');
  if (args.amount === undefined)
    throw new UsageError('prune: --amount is required (a fraction such as 0.3, or a count)');
  const amount = Number(args.amount);
  if (args.amount.trim() === '' || !Number.isFinite(amount))
    throw new UsageError(`prune: --amount takes a number, got ${JSON.stringify(args.amount)}`);
  // torch tells a count from a fraction by the Python type: `5` is an int, `0.5` and `1.0` are floats.
  const count = /^\s*\d+\s*$/.test(args.amount);
  const { stateDict, arch } = await loadModelInput(args.input, args.arch, 'prune');
  const result = pruneStateDict(arch, stateDict, { amount, count, global: args.global, remove: args.remove });
  await writeZipFile(args.output, planTorchZip(result.stateDict, { root: archiveRootFor(args.output) }));
  const share = result.total === 0 ? 0 : (100 * result.pruned) / result.total;
  const how = args.remove
    ? 'plain pruned weights (as after prune.remove)'
    : "weight_orig and weight_mask per weight: load it into a module prepared with prune.identity(m, 'weight')";
  return [
    `pruned ${result.pruned} of ${result.total} weights (${share.toFixed(1)}%) -> ${args.output}: ${how}`,
  ];
}
