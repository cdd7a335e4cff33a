/**
 * nanoGPT's files (karpathy/nanoGPT train.py, sample.py, data/shakespeare_char/prepare.py), both ways:
 *
 *   ckpt.pt  {'model': state_dict (keys may carry torch.compile's `_orig_mod.` prefix, stripped on reading),
 *             'optimizer': AdamW state_dict, 'model_args': {n_layer, n_head, n_embd, block_size, bias,
 *             vocab_size, dropout}, 'iter_num': int, 'best_val_loss': 0-dim tensor or float,
 *             'config': dict of plain values (str, int, float, bool)}
 *   meta.pkl {'vocab_size': int, 'itos': {int: str}, 'stoi': {str: int}}, a plain pickle (no torch)
 *
 * Written as torch 2.x writes them, with only what torch.load(weights_only=True) and pickle.load accept.
 */
import { PyDict, type PyValue, StoredTensor, loadCheckpoint, saveTorchZip } from '../checkpoint/index.ts';
import { GPT, type GPTConfig, gptConfig } from '../nn/gpt/index.ts';
import {
  type StateDictMetadata,
  fromPyStateDict,
  hostToStorage,
  storedToHost,
  toPyStateDict,
} from '../nn/index.ts';
import type { Optimizer } from '../optim/index.ts';
import { type Backend, type Tensor, defaultBackend } from '../tensor/index.ts';
import { TrainError } from './errors.ts';

const COMPILED_PREFIX = '_orig_mod.';

/** A plain value of nanoGPT's `config` dict: bigint for Python ints, number for floats. */
export type ConfigValue = string | number | bigint | boolean;

export interface NanoGptCheckpoint {
  /** `model`, the `_orig_mod.` prefix stripped. */
  stateDict: Map<string, Tensor>;
  metadata: StateDictMetadata | undefined;
  /** `optimizer`, torch.optim's layout, for Optimizer.loadStateDict. */
  optimizer: PyDict | null;
  modelArgs: GPTConfig;
  iterNum: number;
  bestValLoss: number;
  config: Map<string, PyValue>;
}

/** nanoGPT's `model_args` order (train.py). */
function modelArgsToPy(c: GPTConfig): PyDict {
  return new PyDict('dict', [
    ['n_layer', BigInt(c.n_layer)],
    ['n_head', BigInt(c.n_head)],
    ['n_embd', BigInt(c.n_embd)],
    ['block_size', BigInt(c.block_size)],
    ['bias', c.bias],
    ['vocab_size', BigInt(c.vocab_size)],
    ['dropout', c.dropout],
  ]);
}

/** The ckpt.pt dict (save it with saveTorchZip, or use saveNanoGpt). */
export async function nanoGptCheckpoint(parts: {
  model: GPT;
  optimizer: Optimizer<object, unknown> | null;
  iterNum: number;
  bestValLoss: number;
  config?: Readonly<Record<string, ConfigValue>>;
}): Promise<PyDict> {
  const best = new Float32Array([parts.bestValLoss]);
  return new PyDict('dict', [
    ['model', await toPyStateDict(parts.model)],
    ['optimizer', parts.optimizer === null ? null : await parts.optimizer.stateDict()],
    ['model_args', modelArgsToPy(parts.model.config)],
    ['iter_num', BigInt(parts.iterNum)],
    // nanoGPT keeps the mean of its eval losses: a 0-dim float32 tensor.
    ['best_val_loss', new StoredTensor(hostToStorage(best), [])],
    ['config', new PyDict('dict', Object.entries(parts.config ?? {}))],
  ]);
}

export async function saveNanoGpt(parts: Parameters<typeof nanoGptCheckpoint>[0]): Promise<Uint8Array> {
  return saveTorchZip(await nanoGptCheckpoint(parts));
}

/** Reads a ckpt.pt's dict (the value of loadCheckpoint) onto `backend`. */
export function readNanoGptCheckpoint(
  value: PyValue,
  backend: Backend = defaultBackend(),
): NanoGptCheckpoint {
  if (!(value instanceof PyDict)) throw new TrainError('nanoGPT checkpoint: expected a dict');
  const model = value.get('model');
  if (!(model instanceof PyDict)) throw new TrainError("nanoGPT checkpoint: no 'model' state_dict");
  const stripped = new PyDict('OrderedDict');
  for (const [k, v] of model) stripped.set(typeof k === 'string' ? stripPrefix(k) : k, v);
  const md = model.attributes?.get('_metadata');
  if (md instanceof PyDict) {
    const fixed = new PyDict('OrderedDict');
    for (const [k, v] of md)
      fixed.set(k === '_orig_mod' ? '' : typeof k === 'string' ? stripPrefix(k) : k, v);
    stripped.attributes = new Map([['_metadata', fixed]]);
  }
  const { stateDict, metadata } = fromPyStateDict(stripped, backend);
  const args = value.get('model_args');
  if (!(args instanceof PyDict)) throw new TrainError("nanoGPT checkpoint: no 'model_args' dict");
  const optimizer = value.get('optimizer');
  const config = value.get('config');
  return {
    stateDict,
    metadata,
    optimizer: optimizer instanceof PyDict ? optimizer : null,
    modelArgs: gptConfig(Object.fromEntries([...args].map(([k, v]) => [String(k), v]))),
    iterNum: toNumber(value.get('iter_num'), 'iter_num'),
    bestValLoss: toNumber(value.get('best_val_loss'), 'best_val_loss'),
    config: config instanceof PyDict ? new Map([...config].map(([k, v]) => [String(k), v])) : new Map(),
  };
}

/** A ckpt.pt file's GPT (its weights loaded) and the rest of the checkpoint. */
export function loadNanoGpt(
  bytes: Uint8Array,
  backend: Backend = defaultBackend(),
): { model: GPT; checkpoint: NanoGptCheckpoint } {
  const checkpoint = readNanoGptCheckpoint(loadCheckpoint(bytes).value, backend);
  const model = new GPT(checkpoint.modelArgs, { backend });
  model.loadStateDict(checkpoint.stateDict, checkpoint.metadata ? { metadata: checkpoint.metadata } : {});
  return { model, checkpoint };
}

function stripPrefix(key: string): string {
  return key.startsWith(COMPILED_PREFIX) ? key.slice(COMPILED_PREFIX.length) : key;
}

function toNumber(v: PyValue | undefined, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof StoredTensor && v.numel === 1) return storedToHost(v)[0] as number;
  throw new TrainError(`nanoGPT checkpoint: '${what}' is not a number`);
}
