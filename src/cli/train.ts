/**
 * `pthlab train`: trains an architecture on a safetensors dataset and writes a general checkpoint
 * (src/train/checkpoint.ts) that torch.load opens with weights_only=True. Batches follow src/train/data.ts;
 * `--resume` continues a pthlab or PyTorch general checkpoint, its batches going on from its `step`.
 *
 * On --resume, the saved optimizer hyperparameters are restored (as torch's load_state_dict does) and then
 * any of --lr, --momentum, --weight-decay, --betas given on the command line replace them; --arch, --loss and
 * --optim default to what the checkpoint recorded, --seed to its seed. A nanoGPT ckpt.pt resumes too
 * (train-nanogpt.ts): its GPT, AdamW state and iter_num; `--out-format nanogpt` writes that layout back.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PyDict, loadCheckpoint, planTorchZip } from '../checkpoint/index.ts';
import { type Module, type ModuleSpec, buildModule } from '../nn/index.ts';
import {
  type AnyOptimizer,
  type Hyperparameters,
  createOptimizerFor,
  optimizerNames,
  setHyperparameters,
} from '../optim/index.ts';
import { type Backend, Generator, cpu, defaultBackend, setDefaultBackend } from '../tensor/index.ts';
import {
  type GeneralCheckpoint,
  type LossName,
  type StepRecord,
  ShuffleOrder,
  TrainError,
  Trainer,
  buildGeneralCheckpoint,
  datasetFromBytes,
  loadModelState,
  lossNames,
  readGeneralCheckpoint,
  readNanoGptCheckpoint,
} from '../train/index.ts';
import { RunController } from '../train/controller.ts';
import { UsageError } from './convert.ts';
import { archiveRootFor, readBytes, writeBytesAtomic, writeZipFile } from './files.ts';
import { loadCheckpointFile } from './load-file.ts';
import { gptSpec, isNanoGptFile, nanoGptOut, restoreNanoGpt } from './train-nanogpt.ts';
import { Progress, type TrainIo } from './train-progress.ts';

export const trainUsage = `  pthlab train --data DATA.safetensors --steps N --batch B --out CKPT.pth
               [--arch ARCH.json] [--loss cross_entropy|mse] [--optim sgd|adam|adamw] [--lr LR]
               [--momentum M] [--weight-decay W] [--betas B1,B2] [--init WEIGHTS.pth | --resume CKPT.pth]
               [--seed S] [--shuffle] [--device cpu|webgpu] [--log LOG.json]
               [--clip-grad-norm C] [--out-format pthlab|nanogpt]
                                   train; --arch, --loss, --optim and --lr are required unless --resume
                                   (a general checkpoint or a nanoGPT ckpt.pt)`;

/** The optimizer registry's names (src/optim/registry.ts). */
export const optimNames = optimizerNames;
export type OptimName = (typeof optimNames)[number];
export type DeviceName = 'cpu' | 'webgpu';

export interface TrainArgs {
  data: string;
  steps: number;
  batch: number;
  out: string;
  device: DeviceName;
  shuffle: boolean;
  arch?: string;
  loss?: LossName;
  optim?: OptimName;
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  betas?: [number, number];
  init?: string;
  resume?: string;
  seed?: number;
  log?: string;
  /** torch.nn.utils.clip_grad_norm_'s max_norm, each step (nanoGPT's grad_clip). */
  clipGradNorm?: number;
  /** pthlab's general checkpoint (the default) or nanoGPT's ckpt.pt layout. */
  outFormat: OutFormat;
}

export const outFormats = ['pthlab', 'nanogpt'] as const;
export type OutFormat = (typeof outFormats)[number];

const options = {
  arch: { type: 'string' },
  data: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  loss: { type: 'string' },
  optim: { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  'weight-decay': { type: 'string' },
  betas: { type: 'string' },
  init: { type: 'string' },
  resume: { type: 'string' },
  seed: { type: 'string' },
  device: { type: 'string' },
  out: { type: 'string' },
  log: { type: 'string' },
  shuffle: { type: 'boolean' },
  'clip-grad-norm': { type: 'string' },
  'out-format': { type: 'string' },
} as const;

/** The command line of `pthlab train` (after the word `train`); UsageError on anything wrong. */
export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, allowPositionals: false, strict: true }));
  } catch (e) {
    throw new UsageError(`train: ${(e as Error).message}`);
  }
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const required = (name: string): string => {
    const v = str(name);
    if (v === undefined) throw new UsageError(`train: --${name} is required`);
    return v;
  };
  const args: TrainArgs = {
    data: required('data'),
    steps: integer('steps', required('steps'), 0),
    batch: integer('batch', required('batch'), 1),
    out: required('out'),
    device: oneOf('device', str('device') ?? 'cpu', ['cpu', 'webgpu'] as const),
    shuffle: values['shuffle'] === true,
    outFormat: oneOf('out-format', str('out-format') ?? 'pthlab', outFormats),
  };
  const set = <K extends keyof TrainArgs>(key: K, v: TrainArgs[K] | undefined): void => {
    if (v !== undefined) args[key] = v;
  };
  set('arch', str('arch'));
  set('init', str('init'));
  set('resume', str('resume'));
  set('log', str('log'));
  set(
    'loss',
    opt(str('loss'), (v) => oneOf('loss', v, lossNames)),
  );
  set(
    'optim',
    opt(str('optim'), (v) => oneOf('optim', v, optimNames)),
  );
  set(
    'lr',
    opt(str('lr'), (v) => nonNegative('lr', v)),
  );
  set(
    'momentum',
    opt(str('momentum'), (v) => nonNegative('momentum', v)),
  );
  set(
    'weightDecay',
    opt(str('weight-decay'), (v) => nonNegative('weight-decay', v)),
  );
  set(
    'clipGradNorm',
    opt(str('clip-grad-norm'), (v) => nonNegative('clip-grad-norm', v)),
  );
  set(
    'seed',
    opt(str('seed'), (v) => integer('seed', v, 0, 2 ** 32 - 1)),
  );
  set(
    'betas',
    opt(str('betas'), (v) => {
      const parts = v.split(',');
      if (parts.length !== 2)
        throw new UsageError(`train: --betas takes two numbers B1,B2, got ${JSON.stringify(v)}`);
      const [b1, b2] = parts.map((p) => nonNegative('betas', p)) as [number, number];
      if (b1 >= 1 || b2 >= 1) throw new UsageError('train: --betas must each lie in [0, 1)');
      return [b1, b2];
    }),
  );
  if (args.init !== undefined && args.resume !== undefined)
    throw new UsageError('train: --init and --resume exclude each other (--resume restores the weights)');
  if (args.resume === undefined) {
    for (const name of ['arch', 'loss', 'optim', 'lr'] as const) {
      if (args[name] === undefined) throw new UsageError(`train: --${name} is required (unless --resume)`);
    }
  }
  if (args.momentum !== undefined && args.optim !== undefined && args.optim !== 'sgd')
    throw new UsageError(`train: --momentum applies to --optim sgd, not ${args.optim}`);
  if (args.betas !== undefined && args.optim === 'sgd')
    throw new UsageError('train: --betas applies to --optim adam or adamw, not sgd');
  return args;
}

function opt<T>(v: string | undefined, parse: (v: string) => T): T | undefined {
  return v === undefined ? undefined : parse(v);
}

function number(name: string, text: string): number {
  const v = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v))
    throw new UsageError(`train: --${name} must be a number, got ${JSON.stringify(text)}`);
  return v;
}

function nonNegative(name: string, text: string): number {
  const v = number(name, text);
  if (v < 0) throw new UsageError(`train: --${name} must be >= 0, got ${text}`);
  return v;
}

function integer(name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = number(name, text);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new UsageError(`train: --${name} must be a whole number >= ${min}, got ${text}`);
  return v;
}

function oneOf<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(`train: --${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

export type { TrainIo };

/** Runs `pthlab train`; throws TrainError (and DivergenceError) on failure, writing nothing then. */
export async function trainCommand(args: TrainArgs, io: TrainIo): Promise<void> {
  const backend = await backendFor(args.device);
  const previous = defaultBackend();
  setDefaultBackend(backend);
  try {
    await train(args, io, backend);
  } finally {
    setDefaultBackend(previous);
    backend.destroy?.(); // a GPU device would keep the process alive
  }
}

async function train(args: TrainArgs, io: TrainIo, backend: Backend): Promise<void> {
  const file = args.resume === undefined ? undefined : (await loadCheckpointFile(args.resume)).value;
  // A nanoGPT ckpt.pt trains a GPT with AdamW on next-token cross-entropy: train.py knows no other.
  const nano = file !== undefined && isNanoGptFile(file) ? readNanoGptCheckpoint(file, backend) : undefined;
  const resumed = file === undefined || nano !== undefined ? undefined : readGeneralCheckpoint(file);
  const spec =
    args.arch !== undefined
      ? readArch(args.arch)
      : (resumed?.arch ?? (nano !== undefined ? gptSpec(nano.modelArgs) : undefined));
  if (spec === undefined) throw new UsageError('train: --arch is required (the checkpoint records no arch)');
  const lossFn =
    args.loss ??
    (nano !== undefined ? 'cross_entropy' : checkedRecorded('loss', resumed?.run.lossFn, lossNames));
  const optimName =
    args.optim ??
    (nano !== undefined ? 'adamw' : checkedRecorded('optim', resumed?.run.optimizer, optimNames));
  const seed = args.seed ?? resumed?.run.seed ?? 0;

  let model: Module;
  try {
    model = buildModule(spec, { backend, generator: new Generator(seed) });
  } catch (e) {
    throw new TrainError(`--arch: ${(e as Error).message}`);
  }
  if (args.init !== undefined) loadModelState(model, initStateDict(args.init), backend);
  const optimizer = makeOptimizer(optimName, model, args);
  if (resumed !== undefined) restore(model, optimizer, resumed, args, backend, io);
  if (nano !== undefined) restoreNanoGpt(model, optimizer, nano, commandLineSettings(args));

  const data = datasetFromBytes(readBytes(args.data));
  const startStep = resumed?.step ?? nano?.iterNum ?? 0;
  if (resumed !== undefined && resumed.step === undefined)
    io.stderr('pthlab: warning: the checkpoint records no step; batches start again from row 0\n');
  if (resumed?.run.batchSize !== undefined && resumed.run.batchSize !== args.batch)
    io.stderr(
      `pthlab: warning: the checkpoint trained with --batch ${resumed.run.batchSize}, now ${args.batch}\n`,
    );
  if (resumed?.run.shuffle !== undefined && resumed.run.shuffle !== args.shuffle)
    io.stderr(
      `pthlab: warning: the checkpoint trained ${resumed.run.shuffle ? 'with' : 'without'} --shuffle, now ${args.shuffle ? 'with' : 'without'}\n`,
    );
  const trainer = new Trainer({
    model,
    optimizer,
    data,
    batchSize: args.batch,
    loss: lossFn,
    backend,
    startStep,
    ...(args.shuffle ? { shuffle: new ShuffleOrder(seed, data.length) } : {}),
    ...(args.clipGradNorm !== undefined ? { clipGradNorm: args.clipGradNorm } : {}),
  });
  const progress = new Progress(args.steps, io);
  let records: StepRecord[];
  try {
    // The one loop of src/train/controller.ts, back to back: no frames to yield, no held-out set.
    const controller = new RunController(trainer, { onStep: (r) => progress.update(r) });
    records = await controller.runSteps(args.steps);
  } finally {
    progress.done(); // ends the progress line, also before an error message
  }

  const checkpoint =
    args.outFormat === 'nanogpt'
      ? await nanoGptOut(model, optimizer, trainer.step, {
          batchSize: args.batch,
          clipGradNorm: args.clipGradNorm,
          resumed: nano,
        })
      : await buildGeneralCheckpoint({
          model,
          optimizer,
          step: trainer.step,
          epoch: trainer.epoch,
          loss: trainer.lastLoss ?? resumed?.loss ?? null,
          arch: spec,
          run: { optimizer: optimName, lossFn, batchSize: args.batch, seed, shuffle: args.shuffle },
        });
  await writeZipFile(args.out, planTorchZip(checkpoint, { root: archiveRootFor(args.out) }));
  if (args.log !== undefined) {
    const log = { loss: records.map((r) => r.loss) };
    writeBytesAtomic(args.log, new TextEncoder().encode(`${JSON.stringify(log)}\n`), { durable: false });
  }
}

export function readArch(path: string): ModuleSpec {
  let spec: unknown;
  try {
    spec = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new TrainError(`--arch ${path}: not valid JSON: ${e.message}`);
    throw e;
  }
  if (typeof spec !== 'object' || spec === null || typeof (spec as { type?: unknown }).type !== 'string')
    throw new TrainError(
      `--arch ${path}: expected an object with a "type", such as {"type": "Sequential", ...}`,
    );
  return spec as ModuleSpec;
}

function checkedRecorded<T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T {
  if (v === undefined)
    throw new UsageError(`train: --${flag} is required (the checkpoint does not record it)`);
  if (!(allowed as readonly string[]).includes(v))
    throw new TrainError(`the checkpoint records ${flag} ${JSON.stringify(v)}, which pthlab does not know`);
  return v as T;
}

/** --init: a bare state_dict (torch.save(model.state_dict()) or safetensors), loaded strictly. */
function initStateDict(path: string): PyDict {
  const { value } = loadCheckpoint(readBytes(path));
  if (!(value instanceof PyDict))
    throw new TrainError(`--init ${path}: expected a state_dict (a dict of tensors)`);
  if (value.has('model_state_dict'))
    throw new TrainError(
      `--init ${path}: this is a general checkpoint; use --resume, or save its model_state_dict`,
    );
  return value;
}

function makeOptimizer(name: OptimName, model: Module, args: TrainArgs): AnyOptimizer {
  try {
    return createOptimizerFor(name, model, commandLineSettings(args));
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`train: ${e.message}`);
    throw e;
  }
}

/** The hyperparameters given on the command line (the others keep torch's defaults, or the checkpoint's). */
function commandLineSettings(args: TrainArgs): Partial<Hyperparameters> {
  return {
    ...(args.lr !== undefined ? { lr: args.lr } : {}),
    ...(args.weightDecay !== undefined ? { weightDecay: args.weightDecay } : {}),
    ...(args.momentum !== undefined ? { momentum: args.momentum } : {}),
    ...(args.betas !== undefined ? { betas: args.betas } : {}),
  };
}

/** Model and optimizer state from a general checkpoint, then the hyperparameters given on the command line. */
function restore(
  model: Module,
  optimizer: AnyOptimizer,
  ck: GeneralCheckpoint,
  args: TrainArgs,
  backend: Backend,
  io: TrainIo,
): void {
  if (ck.optimizerStateDict === undefined)
    throw new TrainError(
      '--resume: the checkpoint has no optimizer_state_dict (use --init with its weights)',
    );
  loadModelState(model, ck.modelStateDict, backend);
  try {
    optimizer.loadStateDict(ck.optimizerStateDict);
  } catch (e) {
    throw new TrainError(
      `--resume: the saved optimizer state does not fit this optimizer: ${(e as Error).message}`,
    );
  }
  try {
    setHyperparameters(optimizer, commandLineSettings(args));
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`train: ${e.message}`);
    throw e;
  }
  if (ck.writerVersion === undefined) io.stderr('pthlab: resuming a checkpoint PyTorch wrote\n');
}

/** --device: the CPU backend, or WebGPU (src/tensor/select.ts), loaded only when asked for. */
async function backendFor(device: DeviceName): Promise<Backend & { destroy?(): void }> {
  if (device === 'cpu') return cpu;
  const { selectBackend } = await import('../tensor/select.ts');
  const selected = await selectBackend('webgpu');
  // An explicit --device webgpu never falls back to the CPU silently: the run stops and says why.
  if (selected.kind !== 'webgpu')
    throw new TrainError(`--device webgpu: ${selected.notice ?? 'no WebGPU backend'}; use --device cpu`);
  return selected.backend;
}
