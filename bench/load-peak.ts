/**
 * Run alone in a fresh process by the benchmark: loads the checkpoint named in argv as the CLI does
 * (`loadCheckpointFile`), then prints the peak resident memory growth in bytes and the load's seconds (a
 * first load, on an allocator that has never held a checkpoint). Tensors are views over the buffers the
 * file was read into, so the growth should stay near the file's size.
 *
 * The peak is the kernel's VmHWM of this process's memory map (Linux `/proc/self/status`), not
 * `process.resourceUsage().maxRSS`: getrusage's maximum survives exec, so it would count the parent's
 * memory at the moment it spawned us.
 */
import { readFileSync } from 'node:fs';
import { loadCheckpointFile } from '../src/cli/load-file.ts';

function residentPeak(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (match === null) throw new Error('no VmHWM in /proc/self/status');
  return Number(match[1]) * 1024;
}

const path = process.argv[2];
if (path === undefined) throw new Error('usage: load-peak.ts FILE');
const before = process.memoryUsage().rss;
const start = performance.now();
const loaded = await loadCheckpointFile(path);
const seconds = (performance.now() - start) / 1000;
process.stdout.write(
  `${JSON.stringify({ growth: residentPeak() - before, seconds, format: loaded.format })}\n`,
);
