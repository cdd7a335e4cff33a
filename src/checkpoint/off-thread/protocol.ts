/** The messages between `loadCheckpointOffThread` and its worker. */
import type { CheckpointErrorCode } from '../errors.ts';
import type { LoadOptions } from '../options.ts';
import type { PlainCheckpoint } from './plain.ts';

export interface WorkerRequest {
  readonly bytes: Uint8Array;
  readonly options: LoadOptions;
}

export type WorkerReply =
  | { readonly ok: true; readonly checkpoint: PlainCheckpoint }
  /** `code` is undefined for an error that is not a CheckpointError (a bug, or the worker out of memory). */
  | {
      readonly ok: false;
      readonly code: CheckpointErrorCode | undefined;
      readonly message: string;
      readonly at: string | undefined;
    };
