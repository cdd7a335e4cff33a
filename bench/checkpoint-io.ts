/**
 * Checkpoint save and load speed, pthlab beside real torch 2.6 in the same run (foundation issue §5).
 * A 100 MiB state_dict (25 x 1024x1024 float32), as MB/s and pthlab/torch ratios of medians over 9 runs
 * each, taken in 3 alternating rounds of 3 (pthlab, torch, pthlab, ...) so that a busy spell of this shared
 * machine falls on both sides rather than on one:
 * - save: in place, as `torch.save(path)` truncates and rewrites the file (pthlab: `writeZipFile` with
 *   `inPlace`); crash-safe, to a temporary file renamed over the old one, as the CLI always saves (torch:
 *   `torch.save(tmp)` + `os.replace`); and crash-safe with fsync before the rename;
 * - load: from a file (pthlab: `loadCheckpointFile`, as the CLI loads), the same as the first load of a
 *   fresh process (3 each, alternating), and from bytes already in memory (`torch.load(BytesIO)`);
 * - memory: peak RSS growth of a fresh process loading the file, over the file's size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
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
import { readBytes, writeZipFile } from '../src/cli/files.ts';
import { loadCheckpointFile } from '../src/cli/load-file.ts';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type TorchIoTimes, runTorchBench, runTorchColdLoads } from './torch.ts';

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
const rounds = 3;
const repeats = 3;

/**
 * Run before each timed call, on both sides (bench_io.py calls `os.sync()` at the same place):
 * - torch frees each result by reference counting when its timed call has returned; V8 would collect ours
 *   at some later moment, inside whichever measurement happens to trigger it. Collecting here puts both
 *   runtimes' freeing outside the measurements. A collection only hands dead ArrayBuffers to a background
 *   sweeper; the second one waits for that sweep, so their memory is really returned before the clock
 *   starts (measured: whole-file loads ~80 ms with one, ~68 ms with two).
 * - `sync` leaves nothing to write back: a save otherwise finds the previous saves' 100 MiB still going to
 *   disk and is throttled by the kernel for it, by an amount that depends on timing alone (measured
 *   without it: crash-safe saves at 0.73 and 1.26 of torch in two consecutive runs).
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const settle = (): void => {
  gc();
  gc();
  execFileSync('sync');
};

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function seconds(run: () => unknown): Promise<number> {
  settle();
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

export async function checkpointIoReport(): Promise<IoReport> {
  const dir = mkdtempSync(join(tmpdir(), 'pthlab-bench-'));
  const path = join(dir, 'pthlab-bench.pth');
  const sd = stateDict();
  const times = {
    save: [] as number[],
    saveAtomic: [] as number[],
    saveFsync: [] as number[],
    load: [] as number[],
    loadMemory: [] as number[],
  };
  const torchRounds: TorchIoTimes[] = [];
  let loaded: unknown;
  try {
    for (let round = 0; round < rounds; round++) {
      for (let r = 0; r < repeats; r++) {
        const save = (opts: { durable: boolean; inPlace: boolean }) => () =>
          writeZipFile(path, planTorchZip(sd), opts);
        times.save.push(await seconds(save({ durable: false, inPlace: true })));
        times.saveAtomic.push(await seconds(save({ durable: false, inPlace: false })));
        times.saveFsync.push(await seconds(save({ durable: true, inPlace: false })));
        // As the CLI loads a file: entry by entry, four reads in flight (src/cli/load-file.ts).
        // Held until the next load has finished, as bench_io.py's `loaded = torch.load(...)` holds its
        // previous result: both allocators then see the same lifetimes.
        settle();
        const start = performance.now();
        const next = await loadCheckpointFile(path);
        times.load.push((performance.now() - start) / 1000);
        loaded = next;
        const bytes = readBytes(path);
        times.loadMemory.push(await seconds(() => loadCheckpoint(bytes)));
      }
      torchRounds.push(await runTorchBench(tensors, repeats));
    }
    void loaded;
    const fileBytes = statSync(path).size;
    // A clean environment (tsx's loader options from this process would add their own allocations), fresh
    // processes alternating with torch's: peak memory, and the time of a first load.
    const env = { ...process.env, NODE_OPTIONS: '' };
    const fresh: { growth: number; seconds: number }[] = [];
    const torchCold: number[] = [];
    for (let i = 0; i < 3; i++) {
      const args = ['--import', 'tsx', 'bench/load-peak.ts', path];
      fresh.push(
        JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', env })) as (typeof fresh)[0],
      );
      torchCold.push(...(await runTorchColdLoads(path, 1)));
    }
    const growth = fresh.map((f) => f.growth);
    const loadPeakOverFile = median(growth) / fileBytes;

    const torch = torchRounds[0] as TorchIoTimes;
    const all = (key: 'save_s' | 'save_atomic_s' | 'save_fsync_s' | 'load_s' | 'load_memory_s') =>
      torchRounds.flatMap((t) => t[key]);
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
        row('save, in place', times.save, all('save_s')),
        row('save, crash-safe', times.saveAtomic, all('save_atomic_s')),
        row('save, crash-safe+fsync', times.saveFsync, all('save_fsync_s')),
        row('load from file', times.load, all('load_s')),
        row(
          'first load, new process',
          fresh.map((f) => f.seconds),
          torchCold,
        ),
        row('load from memory', times.loadMemory, all('load_memory_s')),
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
