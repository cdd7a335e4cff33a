/**
 * `<pth-text-trainer>`'s training worker: a TextHost (text-host.ts) running the GPT's steps back to back,
 * yielding between slices only to read the element's messages, so however long one step takes (up to a
 * second on the CPU backend) the page keeps drawing.
 */
import type { FromTextWorker, ToTextWorker } from './text-protocol.ts';
import { nextMacrotask } from '../../train/macrotask.ts';
import { TextHost } from './text-host.ts';

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ToTextWorker>) => void) | null;
  postMessage(message: FromTextWorker, transfer?: Transferable[]): void;
};

// Training work between two looks at the element's messages: 25 ms (a page's frame need not be met here).
const host = new TextHost((message, transfer = []) => scope.postMessage(message, transfer), {
  nextFrame: nextMacrotask,
  frameBudgetMs: 25,
});
scope.onmessage = (event) => host.receive(event.data);
