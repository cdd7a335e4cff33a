/**
 * Run alone in a fresh process by the benchmark: reads the checkpoint named in argv and loads it, then
 * prints the peak resident memory growth in bytes. Tensors are views over the file's bytes, so the growth
 * should stay near the file's size.
 *
 * The peak is the kernel's VmHWM of this process's memory map (Linux `/proc/self/status`), not
 * `process.resourceUsage().maxRSS`: getrusage's maximum survives exec, so it would count the parent's
 * memory at the moment it spawned us.
 */
import { readFileSync } from 'node:fs';
import { loadCheckpoint } from '../src/checkpoint/index.ts';

function residentPeak(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (match === null) throw new Error('no VmHWM in /proc/self/status');
  return Number(match[1]) * 1024;
}

const path = process.argv[2];
if (path === undefined) throw new Error('usage: load-peak.ts FILE');
const before = process.memoryUsage().rss;
const bytes = readFileSync(path);
const loaded = loadCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
process.stdout.write(`${JSON.stringify({ growth: residentPeak() - before, format: loaded.format })}\n`);
