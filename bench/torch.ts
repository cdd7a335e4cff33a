/** torch's side of the checkpoint I/O benchmark, run by the same harness the round-trip tests use. */
import { runTorch, scratchDir, stage } from '../test/torch/harness.ts';

export interface TorchIoTimes {
  readonly torch: string;
  readonly bytes: number;
  readonly save_s: number[];
  readonly save_atomic_s: number[];
  readonly save_fsync_s: number[];
  readonly load_s: number[];
  readonly load_memory_s: number[];
}

export async function runTorchBench(tensors: number, repeats: number): Promise<TorchIoTimes> {
  const scratch = scratchDir('2.6');
  try {
    const args = [scratch.pyPath, '--tensors', String(tensors), '--repeats', String(repeats)];
    const out = await runTorch('2.6', 'bench_io.py', args);
    return JSON.parse(out.trim().split('\n').pop() as string) as TorchIoTimes;
  } finally {
    scratch.cleanup();
  }
}

/**
 * A first `torch.load` in a fresh process of the checkpoint at `hostPath` (copied where torch 2.6 sees it),
 * `times` times, one process each: seconds per load, torch's import not counted.
 */
export async function runTorchColdLoads(hostPath: string, times: number): Promise<number[]> {
  const staged = stage('2.6', [hostPath]);
  try {
    const seconds: number[] = [];
    for (let i = 0; i < times; i++) {
      const out = await runTorch('2.6', 'bench_cold_load.py', [staged.pyPaths[0] as string]);
      seconds.push((JSON.parse(out.trim().split('\n').pop() as string) as { load_s: number }).load_s);
    }
    return seconds;
  } finally {
    staged.cleanup();
  }
}
