/**
 * `loadCheckpointOffThread`: `loadCheckpoint` in a Web Worker, so that a page stays responsive while a file
 * loads, however hostile. The worker parses, the main thread rebuilds the value from its plain form (tensor
 * bytes transferred, not copied). Errors come back as the CheckpointError the worker threw, same code and
 * message; a worker that runs past the time limit is terminated with a 'limit-exceeded' error. Where there is
 * no `Worker` at all (Node) it loads in the calling thread; in a browser it never falls back silently.
 */
import { CheckpointError } from '../errors.ts';
import { type LoadedCheckpoint, loadCheckpoint } from '../index.ts';
import type { LoadOptions } from '../options.ts';
import { fromPlain } from './plain.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';

export interface OffThreadOptions extends LoadOptions {
  /** Milliseconds before the worker is terminated (default 30 s). */
  readonly timeoutMs?: number;
}

export const defaultLoadTimeoutMs = 30_000;

/** Where the load runs: `worker` where Web Workers exist, else `in-thread` (Node). */
export function loadThread(): 'worker' | 'in-thread' {
  return typeof Worker === 'undefined' ? 'in-thread' : 'worker';
}

export async function loadCheckpointOffThread(
  bytes: Uint8Array,
  options: OffThreadOptions = {},
): Promise<LoadedCheckpoint> {
  const { timeoutMs = defaultLoadTimeoutMs, ...loadOptions } = options;
  if (loadThread() === 'in-thread') return loadCheckpoint(bytes, loadOptions);
  const worker = new Worker(new URL('./load-worker.ts', import.meta.url), { type: 'module' });
  try {
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new CheckpointError(
            'limit-exceeded',
            `reading this file took longer than ${timeoutMs / 1000} s and was stopped`,
          ),
        );
      }, timeoutMs);
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        clearTimeout(timer);
        resolve(event.data);
      };
      worker.onerror = (event) => {
        clearTimeout(timer);
        event.preventDefault();
        reject(new Error(`the checkpoint worker failed: ${event.message || 'it could not start'}`));
      };
      worker.onmessageerror = () => {
        clearTimeout(timer);
        reject(new Error('the checkpoint worker sent a message that could not be read'));
      };
      // A copy goes to the worker (the caller keeps its bytes); the storages come back transferred.
      worker.postMessage({ bytes, options: loadOptions } satisfies WorkerRequest);
    });
    if (reply.ok) return fromPlain(reply.checkpoint);
    if (reply.code === undefined) throw new Error(reply.message);
    const suffix = reply.at === undefined ? '' : ` (at ${reply.at})`;
    const message = reply.message.endsWith(suffix)
      ? reply.message.slice(0, reply.message.length - suffix.length)
      : reply.message;
    throw new CheckpointError(reply.code, message, reply.at);
  } finally {
    worker.terminate();
  }
}
