/**
 * A training worker's `nextFrame`: a macrotask, so the messages its page sent (a pause, a live change) are
 * read between two slices of steps. A worker has no frames to wait for, and a resolved promise would be a
 * microtask that runs before any message.
 */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

export function nextMacrotask(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}
