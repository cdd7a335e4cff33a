/** File helpers for the CLI: whole-file reads and crash-safe writes. */
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  read,
  readFileSync,
  renameSync,
  rmSync,
  writevSync,
} from 'node:fs';
import { promisify } from 'node:util';
import { basename, dirname, extname, join } from 'node:path';
import { type PendingZip, streamZipParts } from '../checkpoint/index.ts';

export function readBytes(path: string): Uint8Array {
  const buffer = readFileSync(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

const readAt = promisify(read);

/**
 * The whole file, read as four concurrent ranges on libuv's thread pool: the page faults and copies of a
 * large checkpoint then run on several cores. Measured here on 100 MiB from the page cache: about 45 ms,
 * against about 150 ms for `readFileSync`, which reads in one thread into a buffer that starts 16 bytes
 * into its page (see file-source.ts: the kernel's copy is slow there; ours starts on a page).
 */
export async function readBytesParallel(path: string, ranges = 4): Promise<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    // glibc's large allocations start 16 bytes into a page: 4080 bytes on, the file starts on one. A
    // multiple of 16, so typed views of the file's tensors stay aligned.
    const pageStart = 4080;
    const out = new Uint8Array(Buffer.allocUnsafeSlow(pageStart + size).buffer, pageStart, size);
    const span = Math.ceil(size / ranges / 65536) * 65536;
    const readRange = async (start: number): Promise<void> => {
      const end = Math.min(size, start + span);
      for (let at = start; at < end;) {
        const { bytesRead } = await readAt(fd, out, at, end - at, at);
        if (bytesRead === 0)
          throw new Error(`${path} ended early at byte ${at}: was it truncated while read?`);
        at += bytesRead;
      }
    };
    const starts = [];
    for (let start = 0; start < size; start += span) starts.push(start);
    await Promise.all(starts.map(readRange));
    return out;
  } finally {
    closeSync(fd);
  }
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
  const temp = tempPathFor(path);
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

/**
 * `writeBytesAtomic` for pieces that come one at a time (a streamed safetensors file: never held whole),
 * written asynchronously so that SIGINT or SIGTERM is handled between pieces and removes the temporary file.
 */
export async function writePiecesAtomic(
  path: string,
  pieces: Iterable<Uint8Array>,
  { durable = true }: { durable?: boolean } = {},
): Promise<void> {
  const temp = tempPathFor(path);
  const release = removeOnSignal(temp);
  try {
    const file = await open(temp, 'w');
    try {
      for (const piece of pieces) {
        for (let at = 0; at < piece.byteLength;) {
          at += (await file.write(piece, at, piece.byteLength - at)).bytesWritten;
        }
      }
      if (durable) await file.sync();
    } finally {
      await file.close();
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  } finally {
    release();
  }
}

/**
 * Temporary files being written now. SIGINT or SIGTERM mid-write (Ctrl-C during a convert) would
 * otherwise leave a hidden file of hundreds of MiB beside the output: the handler removes them, then
 * exits as the signal would have (128 + its number).
 */
const liveTemps = new Set<string>();
const signalExits = { SIGINT: 130, SIGTERM: 143 } as const;

function onSignal(signal: keyof typeof signalExits): void {
  for (const temp of liveTemps) rmSync(temp, { force: true });
  process.exit(signalExits[signal]);
}

/** Registers `temp` for removal on a signal until the returned function is called. */
function removeOnSignal(temp: string): () => void {
  if (liveTemps.size === 0) {
    for (const signal of Object.keys(signalExits) as (keyof typeof signalExits)[]) {
      process.on(signal, onSignal);
    }
  }
  liveTemps.add(temp);
  return () => {
    liveTemps.delete(temp);
    if (liveTemps.size === 0) {
      for (const signal of Object.keys(signalExits)) process.off(signal, onSignal);
    }
  };
}

/**
 * A durable save asks the disk for every 16 MiB as it goes (`fdatasync`, on the thread pool beside the next
 * writes) rather than all at the end: the disk then works while the rest is still being copied into the
 * page cache. Measured here on 100 MiB, alone: 170 ms with one flush at the end, 140 ms with these.
 */
const earlyFlushBytes = 16 << 20;

/**
 * A zip checkpoint (`planTorchZip`) to `path`, crash-safe as `writeBytesAtomic` is, but written on libuv's
 * thread pool while the main thread computes each entry's CRC (`streamZipParts`): the checksum then costs
 * no time. Measured here on 100 MiB: about 30 ms less than CRC-then-`writev`.
 *
 * `inPlace` truncates and rewrites `path` as `torch.save(path)` does: a little faster on ext4 (replacing a
 * file by rename makes ext4 start writing the new one out at once), but a crash mid-save loses the old
 * file. The CLI never uses it; the benchmark does, to compare with torch on torch's own terms.
 */
export async function writeZipFile(
  path: string,
  pending: PendingZip,
  { durable = true, inPlace = false }: { durable?: boolean; inPlace?: boolean } = {},
): Promise<void> {
  const temp = inPlace ? path : tempPathFor(path);
  const release = inPlace ? () => undefined : removeOnSignal(temp);
  try {
    const file = await open(temp, 'w');
    const flushes: Promise<void>[] = [];
    try {
      let unflushed = 0;
      await streamZipParts(pending, async (parts) => {
        let queue = parts.filter((p) => p.byteLength > 0);
        while (queue.length > 0) {
          const { bytesWritten } = await file.writev(queue.slice(0, 1024)); // IOV_MAX
          queue = afterWritten(queue, bytesWritten);
          unflushed += bytesWritten;
        }
        if (durable && unflushed >= earlyFlushBytes) {
          flushes.push(file.datasync());
          unflushed = 0;
        }
      });
      await Promise.all(flushes);
      if (durable) await file.sync();
    } finally {
      await Promise.allSettled(flushes);
      await file.close();
    }
    if (!inPlace) renameSync(temp, path);
  } catch (error) {
    if (!inPlace) rmSync(temp, { force: true });
    throw error;
  } finally {
    release();
  }
}

/** A hidden name beside `path`, unique to this write, so two saves never share a temporary file. */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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
  while (queue.length > 0) queue = afterWritten(queue, writevSync(fd, queue.slice(0, 1024))); // IOV_MAX
}

/** What is left of `queue` once its first `written` bytes are out (a short write ends mid-piece). */
function afterWritten(queue: readonly Uint8Array[], written: number): Uint8Array[] {
  let consumed = 0;
  while (consumed < queue.length && written >= (queue[consumed] as Uint8Array).byteLength) {
    written -= (queue[consumed] as Uint8Array).byteLength;
    consumed++;
  }
  const rest = queue.slice(consumed);
  if (written > 0 && rest.length > 0) rest[0] = (rest[0] as Uint8Array).subarray(written);
  return rest;
}
