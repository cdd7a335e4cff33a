/**
 * The worker behind `loadCheckpointOffThread`: parses one file with `loadCheckpoint` and posts back its
 * plain form (storages' buffers transferred) or the error's code and message.
 */
import { CheckpointError } from '../errors.ts';
import { loadCheckpoint } from '../index.ts';
import type { LoadOptions } from '../options.ts';
import { toPlain } from './plain.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer: Transferable[]): void;
};

scope.onmessage = (event) => {
  const { bytes, options } = event.data;
  try {
    const { plain, transfer } = toPlain(loadCheckpoint(bytes, options satisfies LoadOptions));
    scope.postMessage({ ok: true, checkpoint: plain }, transfer);
  } catch (error) {
    const reply: WorkerReply =
      error instanceof CheckpointError
        ? { ok: false, code: error.code, message: error.message, at: error.at }
        : {
            ok: false,
            code: undefined,
            message: error instanceof Error ? error.message : String(error),
            at: undefined,
          };
    scope.postMessage(reply, []);
  }
};
