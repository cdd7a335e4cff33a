/**
 * The messages between `<pth-text-trainer>` (through text-client.ts) and its training worker
 * (text-worker.ts). The element sends the corpus's URL, the setup and commands; the worker trains and
 * reports. Every message carries the generation of the run it speaks of (a reset or a new setup is a new
 * one): a report about a run the element has since replaced is dropped.
 */
import type { AttentionMaps } from '../../nn/gpt/attention-maps.ts';
import type { GPTConfig } from '../../nn/gpt/config.ts';
import type { TextLiveSettings, TextSetup } from '../../train/text-sandbox.ts';
import type { StepRecord } from '../../train/trainer.ts';

/** The device the worker trains on: a GPUDevice cannot cross threads, so the worker selects its own. */
export type TextDevice = 'cpu' | 'webgpu' | 'auto';

/** The model the worker trains (after a load, or a ckpt.pt opened): what the element draws and says. */
export interface TextModel {
  config: GPTConfig;
  /** Characters in the vocabulary and in the corpus. */
  vocabSize: number;
  corpusChars: number;
  /** The backend the worker selected (`cpu` or `webgpu`). */
  backend: string;
  step: number;
}

/** A save: nanoGPT's ckpt.pt and meta.pkl, at `step`. */
export interface TextFiles {
  ckpt: Uint8Array;
  meta: Uint8Array;
  step: number;
}

/** What a request asks (beside its kind) and what its reply carries. */
export interface TextRequests {
  /** A nanoGPT ckpt.pt (and its meta.pkl) takes over: weights, AdamW state, iter_num. */
  open: { ask: { ckpt: Uint8Array; meta: Uint8Array | undefined }; reply: TextModel };
  save: { ask: object; reply: TextFiles };
  /** The validation loss over the first `batches` fixed batches. */
  evaluate: { ask: { batches: number }; reply: number };
  /** The optimizer's learning rate per param group, and the step. */
  inspect: { ask: object; reply: { lr: number[]; step: number; backend: string } };
}
export type TextRequestKind = keyof TextRequests;

export type TextRequest = {
  [K in TextRequestKind]: { type: 'request'; gen: number; id: number; kind: K } & TextRequests[K]['ask'];
}[TextRequestKind];

export type ToTextWorker =
  /** A fresh GPT for `setup` over the corpus at `corpus` (an absolute URL): a new generation. */
  | { type: 'load'; gen: number; corpus: string; setup: TextSetup; device: TextDevice }
  | { type: 'start'; gen: number }
  | { type: 'pause'; gen: number }
  | { type: 'live'; gen: number; change: TextLiveSettings }
  | TextRequest;

export type FromTextWorker =
  | { type: 'loaded'; gen: number; model: TextModel }
  /** The steps of one slice. */
  | { type: 'progress'; gen: number; records: StepRecord[]; step: number }
  | { type: 'metrics'; gen: number; step: number; loss: number }
  | { type: 'sample'; gen: number; step: number; text: string }
  | { type: 'attention'; gen: number; maps: AttentionMaps; tokens: string[] }
  /** The training loop stopped (a pause, an error, a file opened) at `step`. */
  | { type: 'stopped'; gen: number; step: number }
  /** A failed load or step (the loop has stopped). */
  | { type: 'error'; gen: number; message: string }
  | { type: 'reply'; gen: number; id: number; ok: true; value: TextRequests[TextRequestKind]['reply'] }
  | { type: 'reply'; gen: number; id: number; ok: false; message: string };
