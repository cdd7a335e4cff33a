/**
 * The general checkpoint of DESIGN.md, a plain dict as in PyTorch's own tutorial, so that
 * `ck = torch.load(path)` (weights_only=True) opens it and `model.load_state_dict(ck['model_state_dict'])`,
 * `optimizer.load_state_dict(ck['optimizer_state_dict'])` resume it:
 *
 *   {'epoch': int,                    completed passes over the data (floor(step * batch / rows))
 *    'step': int,                     optimizer steps taken since training began (across resumes)
 *    'model_state_dict': OrderedDict, with _metadata, exactly torch's keys, shapes and dtypes
 *    'optimizer_state_dict': dict,    torch.optim's layout {'state': {...}, 'param_groups': [...]}
 *    'loss': float | None,            the loss of the last step (None before any step)
 *    'arch': str,                     the architecture spec as JSON TEXT: json.loads(ck['arch']) gives the
 *                                     spec (a string keeps 1.0 vs 1 exactly and is allowed by weights_only)
 *    'pthlab': {'version': str, 'format_version': int,
 *               'optimizer': str, 'loss_fn': str, 'batch_size': int, 'seed': int, 'shuffle': bool,
 *               'training': bool}}      the model's mode when saved (model.training): True mid-training,
 *                                     False after model.eval(); a reader notes a file saved in training mode
 *
 * Reading accepts the same from PyTorch, where only `model_state_dict` is required: `arch` may also be a
 * nested dict, `step`/`epoch`/`loss`/`pthlab` may be absent (reported as undefined).
 */
import { PyDict, PyTuple, type PyValue, StoredTensor } from '../checkpoint/index.ts';
import { type Module, fromPyStateDict, toPyStateDict, type ModuleSpec } from '../nn/index.ts';
import type { Optimizer } from '../optim/index.ts';
import { type Backend } from '../tensor/index.ts';
import { DivergenceError, TrainError } from './errors.ts';
import { CHECKPOINT_FORMAT_VERSION, PTHLAB_VERSION } from './version.ts';

/** What pthlab records about how the run was set up (the `pthlab` entry, beside the version). */
export interface RunInfo {
  optimizer: string;
  lossFn: string;
  batchSize: number;
  seed: number;
  shuffle: boolean;
  /** The data the run trained on, where it is one of pthlab's generated datasets (the tools page reads it). */
  data?: DataInfo;
}

/** A generated dataset as the page's setup names it: written as `pthlab.data`, a dict of these four. */
export interface DataInfo {
  dataset: string;
  n: number;
  noise: number;
  seed: number;
}

export interface CheckpointParts {
  model: Module;
  optimizer: Optimizer<object, unknown>;
  step: number;
  epoch: number;
  loss: number | null;
  arch: ModuleSpec;
  run: RunInfo;
}

/**
 * The general checkpoint as a value for saveTorchZip. Refuses (DivergenceError) a model whose parameters or
 * buffers hold NaN or infinity: a diverged run is never saved.
 */
export async function buildGeneralCheckpoint(parts: CheckpointParts): Promise<PyDict> {
  const model = await toPyStateDict(parts.model);
  for (const [key, t] of model) {
    if (t instanceof StoredTensor && t.dtype.name === 'float32' && !allFinite(t)) {
      throw new DivergenceError(
        `${String(key)} holds NaN or infinite values: the run diverged, so no checkpoint was written`,
        parts.step,
        NaN,
      );
    }
  }
  const run = parts.run;
  const pthlab = new PyDict('dict', [
    ['version', PTHLAB_VERSION],
    ['format_version', BigInt(CHECKPOINT_FORMAT_VERSION)],
    ['optimizer', run.optimizer],
    ['loss_fn', run.lossFn],
    ['batch_size', BigInt(run.batchSize)],
    ['seed', BigInt(run.seed)],
    ['shuffle', run.shuffle],
    ['training', parts.model.training],
  ]);
  if (run.data !== undefined)
    pthlab.set(
      'data',
      new PyDict('dict', [
        ['dataset', run.data.dataset],
        ['n', BigInt(run.data.n)],
        ['noise', run.data.noise],
        ['seed', BigInt(run.data.seed)],
      ]),
    );
  return new PyDict('dict', [
    ['epoch', BigInt(parts.epoch)],
    ['step', BigInt(parts.step)],
    ['model_state_dict', model],
    ['optimizer_state_dict', await parts.optimizer.stateDict()],
    ['loss', parts.loss],
    ['arch', JSON.stringify(parts.arch)],
    ['pthlab', pthlab],
  ]);
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

function allFinite(t: StoredTensor): boolean {
  const bytes = t.contiguousBytes();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < t.numel; i++) if (!Number.isFinite(view.getFloat32(i * 4, true))) return false;
  return true;
}

/** A general checkpoint read back: from pthlab or from PyTorch. */
export interface GeneralCheckpoint {
  modelStateDict: PyDict;
  optimizerStateDict: PyDict | undefined;
  step: number | undefined;
  epoch: number | undefined;
  loss: number | undefined;
  arch: ModuleSpec | undefined;
  /** The `pthlab` entry's run settings, where the file has them. */
  run: Partial<RunInfo>;
  /** `pthlab.version` of the writer, or undefined for a file PyTorch wrote. */
  writerVersion: string | undefined;
  /** `pthlab.training`: the mode the model was saved in, where the file records it. */
  savedInTraining: boolean | undefined;
}

export function readGeneralCheckpoint(value: PyValue): GeneralCheckpoint {
  if (!(value instanceof PyDict))
    throw new TrainError('not a general checkpoint: expected a dict with a model_state_dict');
  const model = value.get('model_state_dict');
  if (!(model instanceof PyDict)) {
    const hint = [...value.values()].every((v) => v instanceof StoredTensor)
      ? ' (this looks like a bare state_dict: use --init to load weights)'
      : '';
    throw new TrainError(`not a general checkpoint: it has no 'model_state_dict' dict${hint}`);
  }
  const opt = value.get('optimizer_state_dict');
  if (opt !== undefined && !(opt instanceof PyDict))
    throw new TrainError("the checkpoint's optimizer_state_dict is not a dict");
  const pthlab = value.get('pthlab');
  const info = pthlab instanceof PyDict ? pthlab : new PyDict();
  const format = optionalInt(info.get('format_version'), 'pthlab.format_version');
  if (format !== undefined && format > CHECKPOINT_FORMAT_VERSION) {
    throw new TrainError(
      `this checkpoint has format_version ${format}; this pthlab reads up to ${CHECKPOINT_FORMAT_VERSION}: upgrade pthlab`,
    );
  }
  const run: Partial<RunInfo> = {};
  const setIf = <K extends keyof RunInfo>(k: K, v: RunInfo[K] | undefined): void => {
    if (v !== undefined) run[k] = v;
  };
  setIf('optimizer', optionalString(info.get('optimizer'), 'pthlab.optimizer'));
  setIf('lossFn', optionalString(info.get('loss_fn'), 'pthlab.loss_fn'));
  setIf('batchSize', optionalInt(info.get('batch_size'), 'pthlab.batch_size'));
  setIf('seed', optionalInt(info.get('seed'), 'pthlab.seed'));
  const shuffle = info.get('shuffle');
  if (typeof shuffle === 'boolean') run.shuffle = shuffle;
  const data = readDataInfo(info.get('data'));
  if (data !== undefined) run.data = data;
  const loss = value.get('loss');
  return {
    modelStateDict: model,
    optimizerStateDict: opt,
    step: optionalInt(value.get('step'), 'step'),
    epoch: optionalInt(value.get('epoch'), 'epoch'),
    loss:
      typeof loss === 'number'
        ? loss
        : loss instanceof StoredTensor && loss.numel === 1
          ? scalar(loss)
          : undefined,
    arch: readArch(value.get('arch')),
    run,
    writerVersion: optionalString(info.get('version'), 'pthlab.version'),
    savedInTraining:
      typeof info.get('training') === 'boolean' ? (info.get('training') as boolean) : undefined,
  };
}

/** `ck['arch']`: JSON text (pthlab's choice) or the spec as a nested dict (what a Python user may save). */
function readArch(v: PyValue | undefined): ModuleSpec | undefined {
  if (v === undefined || v === null) return undefined;
  let spec: unknown;
  if (typeof v === 'string') {
    try {
      spec = JSON.parse(v);
    } catch (e) {
      throw new TrainError(`the checkpoint's arch is not valid JSON: ${(e as Error).message}`);
    }
  } else {
    spec = toPlain(v);
  }
  if (typeof spec !== 'object' || spec === null || typeof (spec as { type?: unknown }).type !== 'string')
    throw new TrainError(`the checkpoint's arch is not an architecture spec (a dict with a "type")`);
  return spec as ModuleSpec;
}

/** Python containers as JSON-like values (ints as numbers). */
function toPlain(v: PyValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof PyTuple) return v.items.map(toPlain);
  if (v instanceof PyDict) return Object.fromEntries([...v].map(([k, x]) => [String(k), toPlain(x)]));
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new TrainError(`the checkpoint's arch holds a ${v.constructor.name}, which a spec cannot`);
}

function optionalInt(v: PyValue | undefined, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (v instanceof StoredTensor && v.numel === 1) return scalar(v);
  throw new TrainError(`the checkpoint's ${what} should be an int`);
}

function optionalString(v: PyValue | undefined, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new TrainError(`the checkpoint's ${what} should be a str`);
  return v;
}

function scalar(t: StoredTensor): number {
  const bytes = t.contiguousBytes();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (t.dtype.name) {
    case 'float32':
      return view.getFloat32(0, true);
    case 'float64':
      return view.getFloat64(0, true);
    case 'int64':
      return Number(view.getBigInt64(0, true));
    case 'int32':
      return view.getInt32(0, true);
    default:
      throw new TrainError(`a scalar of dtype ${t.dtype.name} in the checkpoint`);
  }
}

/** load_state_dict(strict) from a checkpoint's model_state_dict (torch's error wording; unchanged on failure). */
export function loadModelState(model: Module, stateDict: PyDict, backend: Backend): void {
  const loaded = fromPyStateDict(stateDict, backend);
  model.loadStateDict(loaded.stateDict, loaded.metadata === undefined ? {} : { metadata: loaded.metadata });
}

/** `pthlab.data`, where it is whole; a partial or odd entry is ignored (the file loads without it). */
function readDataInfo(v: PyValue | undefined): DataInfo | undefined {
  if (!(v instanceof PyDict)) return undefined;
  const [dataset, n, noise, seed] = ['dataset', 'n', 'noise', 'seed'].map((k) => v.get(k));
  const number = (x: PyValue | undefined) =>
    typeof x === 'bigint' ? Number(x) : typeof x === 'number' ? x : undefined;
  const [nn, nz, sd] = [number(n), number(noise), number(seed)];
  if (typeof dataset !== 'string' || nn === undefined || nz === undefined || sd === undefined)
    return undefined;
  return { dataset, n: nn, noise: nz, seed: sd };
}
