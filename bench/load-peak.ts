/**
 * Run alone in a fresh process by the benchmark: reads the checkpoint named in argv and loads it, then
 * prints the peak resident memory growth in bytes. Tensors are views over the file's bytes, so the growth
 * should stay near the file's size.
 */
import { readFileSync } from 'node:fs';
import { loadCheckpoint } from '../src/checkpoint/index.ts';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: load-peak.ts FILE');
const before = process.memoryUsage().rss;
const bytes = readFileSync(path);
const loaded = loadCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
const peak = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ growth: peak - before, format: loaded.format })}\n`);
