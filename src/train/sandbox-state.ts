/**
 * A Sandbox's run state as bytes, to hand between two sandboxes of the same setup (the page's and its training
 * worker's): the model's state_dict and the optimizer's, in one torch zip, with the step and the last loss
 * beside it. Adopting it copies the values into the sandbox's own model and optimizer (the same objects, so a
 * holder of the sandbox sees them), which then continue exactly where the other left off: the Trainer's batches
 * follow from the step alone. Plain TypeScript: no DOM.
 */
import { PyDict, loadCheckpoint, saveTorchZip } from '../checkpoint/index.ts';
import { toPyStateDict } from '../nn/index.ts';
import { loadModelState } from './checkpoint.ts';
import { TrainError } from './errors.ts';
import type { Sandbox } from './sandbox.ts';

export interface RunState {
  /** A torch zip of `{ model: state_dict, optimizer: optimizer.state_dict() }`. */
  bytes: Uint8Array;
  step: number;
  lastLoss: number | null;
}

/** The model's state_dict alone, as a torch zip (what the views need). */
export async function encodeWeights(sandbox: Sandbox): Promise<Uint8Array> {
  return saveTorchZip(await toPyStateDict(sandbox.model));
}

/** Weights from `encodeWeights` copied into the sandbox's model (strict: the same architecture). */
export function adoptWeights(sandbox: Sandbox, bytes: Uint8Array): void {
  loadModelState(sandbox.model, readDict(loadCheckpoint(bytes).value, 'weights'), sandbox.backend);
}

/** Weights, optimizer state, step and last loss. */
export async function encodeRunState(sandbox: Sandbox): Promise<RunState> {
  const value = new PyDict('dict', [
    ['model', await toPyStateDict(sandbox.model)],
    ['optimizer', await sandbox.optimizer.stateDict()],
  ]);
  return { bytes: saveTorchZip(value), step: sandbox.step, lastLoss: sandbox.trainer.lastLoss };
}

/** A state from `encodeRunState` made the sandbox's own: its weights, its optimizer's state, its step. */
export function adoptRunState(sandbox: Sandbox, state: RunState): void {
  const value = readDict(loadCheckpoint(state.bytes).value, 'run state');
  loadModelState(sandbox.model, readDict(value.get('model'), 'model'), sandbox.backend);
  sandbox.optimizer.loadStateDict(readDict(value.get('optimizer'), 'optimizer'));
  sandbox.trainer.step = state.step;
  sandbox.trainer.lastLoss = state.lastLoss;
  sandbox.trainer.lastLossStep = state.step;
}

function readDict(value: unknown, what: string): PyDict {
  if (!(value instanceof PyDict)) throw new TrainError(`the ${what} handed between threads is not a dict`);
  return value;
}
