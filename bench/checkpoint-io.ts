/**
 * Checkpoint save and load speed, pthlab beside real torch in the same run (issue: foundation §5).
 * A 100 MiB state_dict (25 x 1024x1024 float32) is saved to a file and loaded back, 5 times each; medians
 * are compared as MB/s and as a ratio. Load memory is measured in a fresh child process: peak RSS growth
 * over the file's size (tensors are views over the file's bytes, so it should stay near 1.0x).
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
  saveTorchZip,
} from '../src/checkpoint/index.ts';
import { writeBytesAtomic } from '../src/cli/files.ts';
import { runTorchBench } from './torch.ts';

export interface IoRow {
  readonly name: string;
  readonly unit: 'MB/s';
  readonly pthlab: number;
  readonly torch: number;
}

const tensors = 25;
const repeats = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function stateDict(): PyDict {
  const sd = new PyDict('OrderedDict');
  for (let i = 0; i < tensors; i++) {
    const data = new Float32Array(1024 * 1024);
    for (let j = 0; j < data.length; j += 97) data[j] = Math.random();
    sd.set(
      `layer${i}.weight`,
      new StoredTensor(new Storage(dtypeInfo('float32'), new Uint8Array(data.buffer)), [1024, 1024]),
    );
  }
  return sd;
}

export async function checkpointIoRows(): Promise<{
  rows: IoRow[];
  loadPeakOverFile: number;
  torchVersion: string;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'pthlab-bench-'));
  const path = join(dir, 'pthlab-bench.pth');
  const sd = stateDict();
  const save: number[] = [];
  const load: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let start = performance.now();
    writeBytesAtomic(path, saveTorchZip(sd, { root: 'pthlab-bench' }));
    save.push((performance.now() - start) / 1000);
    start = performance.now();
    const bytes = readFileSync(path);
    const loaded = loadCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    load.push((performance.now() - start) / 1000);
    if (!(loaded.value instanceof PyDict) || loaded.value.size !== tensors)
      throw new Error('bench load lost tensors');
  }
  const fileBytes = statSync(path).size;
  const loadPeakOverFile = measureLoadPeak(path) / fileBytes;
  rmSync(dir, { recursive: true, force: true });

  const torch = await runTorchBench(tensors, repeats);
  const mb = fileBytes / 1e6;
  const torchMb = torch.bytes / 1e6;
  return {
    torchVersion: torch.torch,
    loadPeakOverFile,
    rows: [
      {
        name: `save ${tensors} x 4 MiB`,
        unit: 'MB/s',
        pthlab: mb / median(save),
        torch: torchMb / median(torch.save_s),
      },
      {
        name: `load ${tensors} x 4 MiB`,
        unit: 'MB/s',
        pthlab: mb / median(load),
        torch: torchMb / median(torch.load_s),
      },
    ],
  };
}

/** Peak RSS growth of a fresh process that reads the file and loads it, in bytes. */
function measureLoadPeak(path: string): number {
  const script = `
    import { readFileSync } from 'node:fs';
    import { loadCheckpoint } from './src/checkpoint/index.ts';
    const before = process.memoryUsage().rss;
    const bytes = readFileSync(${JSON.stringify(path)});
    const loaded = loadCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const peak = process.resourceUsage().maxRSS * 1024;
    console.log(JSON.stringify({ growth: peak - before, kept: loaded.value !== null }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return (JSON.parse(out) as { growth: number }).growth;
}
