/**
 * Checkpoint save and load speed, pthlab beside real torch 2.6 in the same run (foundation issue §5).
 * A 100 MiB state_dict (25 x 1024x1024 float32), 5 repeats, medians, as MB/s and pthlab/torch ratios:
 * - save: to a file (pthlab: `writeZipFileAtomic`, temp file + rename, as the CLI saves; torch:
 *   `torch.save(path)`), and the same with fsync before returning;
 * - load: from a file (pthlab: `loadCheckpointFile`, as the CLI loads), and from bytes already in memory
 *   (`torch.load(BytesIO)`);
 * - memory: peak RSS growth of a fresh process loading the file, over the file's size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PyDict,
  Storage,
  StoredTensor,
  dtypeInfo,
  loadCheckpoint,
  planTorchZip,
} from '../src/checkpoint/index.ts';
import { writeZipFileAtomic } from '../src/cli/files.ts';
import { loadCheckpointFile } from '../src/cli/load-file.ts';
import { runTorchBench } from './torch.ts';

export interface IoRow {
  readonly name: string;
  readonly unit: 'MB/s';
  readonly pthlab: number;
  readonly torch: number;
}

export interface IoReport {
  readonly torchVersion: string;
  readonly rows: IoRow[];
  /** Peak RSS growth while loading, divided by the file's size. */
  readonly loadPeakOverFile: number;
}

const tensors = 25;
const repeats = 5;

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function seconds(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

function stateDict(): PyDict {
  const sd = new PyDict('OrderedDict');
  for (let i = 0; i < tensors; i++) {
    const data = new Float32Array(1024 * 1024);
    for (let j = 0; j < data.length; j++) data[j] = Math.random();
    const storage = new Storage(dtypeInfo('float32'), new Uint8Array(data.buffer));
    sd.set(`layer${i}.weight`, new StoredTensor(storage, [1024, 1024]));
  }
  return sd;
}

function readBytes(path: string): Uint8Array {
  const buffer = readFileSync(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export async function checkpointIoReport(): Promise<IoReport> {
  const dir = mkdtempSync(join(tmpdir(), 'pthlab-bench-'));
  const path = join(dir, 'pthlab-bench.pth');
  const sd = stateDict();
  const times = {
    save: [] as number[],
    saveFsync: [] as number[],
    load: [] as number[],
    loadMemory: [] as number[],
  };
  try {
    for (let r = 0; r < repeats; r++) {
      times.save.push(await seconds(() => writeZipFileAtomic(path, planTorchZip(sd), { durable: false })));
      times.saveFsync.push(await seconds(() => writeZipFileAtomic(path, planTorchZip(sd))));
      // As the CLI loads a file: entry by entry, four reads in flight (src/cli/load-file.ts).
      times.load.push(await seconds(() => loadCheckpointFile(path)));
      const bytes = readBytes(path);
      times.loadMemory.push(await seconds(() => loadCheckpoint(bytes)));
    }
    const fileBytes = statSync(path).size;
    // A clean environment (tsx's loader options from this process would add their own allocations), three
    // fresh processes, the median.
    const env = { ...process.env, NODE_OPTIONS: '' };
    const growth = [0, 1, 2].map(() => {
      const args = ['--import', 'tsx', 'bench/load-peak.ts', path];
      return (
        JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', env })) as { growth: number }
      ).growth;
    });
    const loadPeakOverFile = median(growth) / fileBytes;

    const torch = await runTorchBench(tensors, repeats);
    const rate = (bytes: number, s: readonly number[]) => bytes / 1e6 / median(s);
    const row = (name: string, ours: number[], theirs: number[]): IoRow => ({
      name,
      unit: 'MB/s',
      pthlab: rate(fileBytes, ours),
      torch: rate(torch.bytes, theirs),
    });
    return {
      torchVersion: torch.torch,
      loadPeakOverFile,
      rows: [
        row('save to file', times.save, torch.save_s),
        row('save to file + fsync', times.saveFsync, torch.save_fsync_s),
        row('load from file', times.load, torch.load_s),
        row('load from memory', times.loadMemory, torch.load_memory_s),
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
