/** File helpers for the CLI: whole-file reads and crash-safe writes. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writevSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export function readBytes(path: string): Uint8Array {
  const buffer = readFileSync(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * Writes to a temporary file beside `path`, flushes it to disk (unless `durable` is false), then renames it
 * over `path`: an interrupted save leaves the previous file whole, never a torn one.
 */
export function writeBytesAtomic(
  path: string,
  bytes: Uint8Array | readonly Uint8Array[],
  { durable = true }: { durable?: boolean } = {},
): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'w');
    try {
      writeAll(fd, bytes instanceof Uint8Array ? [bytes] : bytes);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** torch's archive root for a path: the base name without its last extension (`model.pth.tar` -> `model.pth`). */
export function archiveRootFor(path: string): string {
  const name = basename(path);
  const stem = name.slice(0, name.length - extname(name).length);
  // torch uses `archive` for names it cannot encode as ASCII ([2.6] `_open_zipfile_writer_file`).
  return stem !== '' && /^[\x20-\x7e]+$/.test(stem) && !stem.includes('/') ? stem : 'archive';
}

/** `writev` the pieces in order, resuming after short writes. */
function writeAll(fd: number, pieces: readonly Uint8Array[]): void {
  let queue = pieces.filter((p) => p.byteLength > 0);
  while (queue.length > 0) {
    let written = writevSync(fd, queue.slice(0, 1024)); // IOV_MAX
    let consumed = 0;
    while (consumed < queue.length && written >= (queue[consumed] as Uint8Array).byteLength) {
      written -= (queue[consumed] as Uint8Array).byteLength;
      consumed++;
    }
    queue = queue.slice(consumed);
    if (written > 0 && queue.length > 0) queue[0] = (queue[0] as Uint8Array).subarray(written);
  }
}
