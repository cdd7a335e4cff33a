/** torch's side of the checkpoint I/O benchmark, run by the same harness the round-trip tests use. */
import { runTorch, scratchDir } from '../test/torch/harness.ts';

export interface TorchIoTimes {
  readonly torch: string;
  readonly bytes: number;
  readonly save_s: number[];
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
