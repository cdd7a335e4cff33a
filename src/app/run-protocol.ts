/**
 * The messages between the sandbox page and its training worker (src/app/run-worker.ts). The page sends its
 * sandbox (setup, data, run state) and commands; the worker trains and reports. Every message carries the
 * generation of the sandbox it speaks of: a reply about a sandbox the page has since replaced is dropped.
 */
import type { TabularData } from '../train/datasets/index.ts';
import type { Evaluation, LiveSettings } from '../train/sandbox.ts';
import type { RunState } from '../train/sandbox-state.ts';
import type { Setup } from '../train/setup.ts';
import type { StepRecord } from '../train/trainer.ts';

export type ToWorker =
  /** A sandbox to build for `setup` over `data`, then to take `state` (the page's weights, optimizer, step). */
  | { type: 'load'; gen: number; setup: Setup; data: TabularData; device: 'cpu' | 'webgpu'; state: RunState }
  | { type: 'start'; gen: number }
  | { type: 'pause'; gen: number }
  /** One step, then its metrics and the state after it (replied with `state` and the same id). */
  | { type: 'step'; gen: number; id: number }
  | { type: 'live'; gen: number; change: LiveSettings }
  /** Weights loaded from a file into the page's model: the worker's model takes them at its next step. */
  | { type: 'weights'; gen: number; bytes: Uint8Array }
  /** The run state now (a save), replied with `state` and the same id. */
  | { type: 'pull'; gen: number; id: number }
  /** The model's outputs for `rows` inputs of `features` each, in eval mode (a picture while training). */
  | { type: 'predict'; gen: number; id: number; inputs: Float32Array; rows: number; features: number };

export type FromWorker =
  | { type: 'loaded'; gen: number }
  /** Steps done since the last progress: their records, the step and last loss now. */
  | { type: 'progress'; gen: number; records: StepRecord[]; step: number; lastLoss: number | null }
  /** The weights now (a few times a second while training). */
  | { type: 'weights'; gen: number; step: number; bytes: Uint8Array }
  | { type: 'metrics'; gen: number; step: number; evaluation: Evaluation }
  /** A general checkpoint to autosave (every 100 steps while training). */
  | { type: 'autosave'; gen: number; step: number; loss: number; bytes: Uint8Array }
  /** The training loop stopped (a pause or an error): the state it stopped at. */
  | { type: 'stopped'; gen: number; state: RunState }
  /** Reply to `predict`. */
  | { type: 'predicted'; gen: number; id: number; output: Float32Array }
  /** Reply to `step` or `pull`. */
  | { type: 'state'; gen: number; id: number; state: RunState }
  /** A failed step or command; `divergence` when it was a DivergenceError. */
  | {
      type: 'error';
      gen: number;
      message: string;
      divergence: { step: number; value: number } | undefined;
    };
