/**
 * `pthlab prune IN OUT [--arch ARCH.json] --method l1|taylor [--data D] --amount F [--global] [--remove]`: every
 * Linear and Conv2d weight pruned by magnitude, or by first-order Taylor importance |grad·w| on D's rows
 * (gradients.ts), through src/analysis/prune.ts. OUT is a state_dict in torch.nn.utils.prune's
 * layout (`weight_orig` and `weight_mask`), or with `--remove` the plain pruned weights.
 */
import { planTorchZip } from '../checkpoint/index.ts';
import { pruneStateDict } from '../analysis/index.ts';
import { UsageError } from './convert.ts';
import { archiveRootFor, writeZipFile } from './files.ts';
import { taylorScores } from './gradients.ts';
import { loadModelInput } from './model-input.ts';

export const pruneUsage = `  pthlab prune IN OUT [--arch ARCH.json] --method l1|taylor [--data DATA.safetensors] --amount F
               [--global] [--remove]
                                   prune Linear/Conv2d weights as torch.nn.utils.prune (F: fraction, or an int
                                   count); taylor scores |grad·w| on DATA's rows`;

export interface PruneArgs {
  readonly input: string;
  readonly output: string;
  readonly arch: string | undefined;
  readonly method: string | undefined;
  readonly amount: string | undefined;
  readonly global: boolean;
  readonly remove: boolean;
  /** The data file `--method taylor` takes its gradient on. */
  readonly data?: string | undefined;
}

/** Writes OUT; returns the lines to tell the user. */
export async function pruneCommand(args: PruneArgs): Promise<string[]> {
  if (args.method !== 'l1' && args.method !== 'taylor')
    throw new UsageError(
      'prune: --method l1|taylor is required (l1: |w| as prune.l1_unstructured; taylor: |grad·w|)',
    );
  if (args.method === 'taylor' && args.data === undefined)
    throw new UsageError(
      'prune: --method taylor needs --data DATA.safetensors (the gradient is taken on its rows)',
    );
  if (args.method === 'l1' && args.data !== undefined)
    throw new UsageError('prune: --data goes with --method taylor');
  if (args.amount === undefined)
    throw new UsageError('prune: --amount is required (a fraction such as 0.3, or a count)');
  const amount = Number(args.amount);
  if (args.amount.trim() === '' || !Number.isFinite(amount))
    throw new UsageError(`prune: --amount takes a number, got ${JSON.stringify(args.amount)}`);
  // torch tells a count from a fraction by the Python type: `5` is an int, `0.5` and `1.0` are floats.
  const count = /^\s*\d+\s*$/.test(args.amount);
  const { stateDict, arch } = await loadModelInput(args.input, args.arch, 'prune');
  const scores = args.data === undefined ? undefined : await taylorScores(arch, stateDict, args.data);
  const result = pruneStateDict(arch, stateDict, {
    amount,
    count,
    global: args.global,
    remove: args.remove,
    ...(scores === undefined ? {} : { scores }),
  });
  await writeZipFile(args.output, planTorchZip(result.stateDict, { root: archiveRootFor(args.output) }));
  const share = result.total === 0 ? 0 : (100 * result.pruned) / result.total;
  const how = args.remove
    ? 'plain pruned weights (as after prune.remove)'
    : "weight_orig and weight_mask per weight: load it into a module prepared with prune.identity(m, 'weight')";
  return [
    `pruned ${result.pruned} of ${result.total} weights (${share.toFixed(1)}%) -> ${args.output}: ${how}`,
  ];
}
