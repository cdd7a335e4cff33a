/**
 * `pthlab train`'s nanoGPT side (karpathy/nanoGPT train.py): `--resume` of a nanoGPT ckpt.pt (`model` with
 * any `_orig_mod.` prefix stripped, `optimizer`, `model_args`, `iter_num`, `best_val_loss`, `config`),
 * continuing from `iter_num`, and `--out-format nanogpt`, which writes that layout so nanoGPT's train.py
 * (init_from='resume') and sample.py load it. The files themselves are src/train/nanogpt.ts's.
 */
import { PyDict, type PyValue } from '../checkpoint/index.ts';
import { GPT, type GPTConfig } from '../nn/gpt/index.ts';
import type { Module, ModuleSpec } from '../nn/index.ts';
import { type AnyOptimizer, type Hyperparameters, setHyperparameters } from '../optim/index.ts';
import { type ConfigValue, type NanoGptCheckpoint, TrainError, nanoGptCheckpoint } from '../train/index.ts';

/** nanoGPT's best_val_loss before any evaluation (train.py: `best_val_loss = 1e9`). */
const NO_VAL_LOSS = 1e9;

/** A checkpoint dict in nanoGPT's layout rather than a general checkpoint: it has `model` and `model_args`. */
export function isNanoGptFile(value: PyValue): boolean {
  return value instanceof PyDict && value.has('model') && value.has('model_args');
}

/** The architecture spec of a checkpoint's model_args. */
export function gptSpec(args: GPTConfig): ModuleSpec {
  return { type: 'GPT', ...args };
}

/** Weights and AdamW state from a nanoGPT ckpt.pt, then the hyperparameters given on the command line. */
export function restoreNanoGpt(
  model: Module,
  optimizer: AnyOptimizer,
  ck: NanoGptCheckpoint,
  settings: Partial<Hyperparameters>,
): void {
  if (!(model instanceof GPT))
    throw new TrainError('--resume: a nanoGPT ckpt.pt resumes a GPT, not this --arch');
  model.loadStateDict(ck.stateDict, ck.metadata ? { metadata: ck.metadata } : {});
  if (ck.optimizer === null)
    throw new TrainError('--resume: the ckpt.pt has no optimizer state (nanoGPT always saves one)');
  try {
    optimizer.loadStateDict(ck.optimizer);
  } catch (e) {
    throw new TrainError(
      `--resume: the ckpt.pt's optimizer state does not fit this optimizer: ${(e as Error).message}`,
    );
  }
  setHyperparameters(optimizer, settings);
}

export interface NanoGptRun {
  batchSize: number;
  clipGradNorm: number | undefined;
  /** The resumed checkpoint: its best_val_loss and config carry over. */
  resumed: NanoGptCheckpoint | undefined;
}

/** The ckpt.pt dict of a trained GPT, `iter_num` the steps taken; config in train.py's names. */
export async function nanoGptOut(
  model: Module,
  optimizer: AnyOptimizer,
  iterNum: number,
  run: NanoGptRun,
): Promise<PyDict> {
  if (!(model instanceof GPT))
    throw new TrainError('--out-format nanogpt: only a GPT ({"type": "GPT", ...}) is written in that layout');
  const group = optimizer.paramGroups[0] as unknown as { lr: number; weightDecay: number; betas?: number[] };
  const c = model.config;
  const prior = Object.fromEntries(
    [...(run.resumed?.config ?? new Map<string, PyValue>())].filter((e): e is [string, ConfigValue] =>
      ['string', 'number', 'bigint', 'boolean'].includes(typeof e[1]),
    ),
  );
  const config: Record<string, ConfigValue> = {
    ...prior,
    batch_size: BigInt(run.batchSize),
    block_size: BigInt(c.block_size),
    n_layer: BigInt(c.n_layer),
    n_head: BigInt(c.n_head),
    n_embd: BigInt(c.n_embd),
    dropout: c.dropout,
    bias: c.bias,
    learning_rate: group.lr,
    weight_decay: group.weightDecay,
    beta1: group.betas?.[0] ?? 0.9,
    beta2: group.betas?.[1] ?? 0.95,
    grad_clip: run.clipGradNorm ?? 0,
    device: 'cpu',
    compile: false,
  };
  return nanoGptCheckpoint({
    model,
    optimizer,
    iterNum,
    bestValLoss: run.resumed?.bestValLoss ?? NO_VAL_LOSS,
    config,
  });
}
