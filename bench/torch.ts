/** torch's side of the checkpoint I/O benchmark, run by the same harness the round-trip tests use. */
import { runTorch, scratchDir } from '../test/torch/harness.ts';

export interface TorchIoTimes {
  readonly torch: string;
  readonly save_s: number[];
  readonly load_s: number[];
  readonly bytes: number;
}

export async function runTorchBench(tensors: number, repeats: number): Promise<TorchIoTimes> {
  const scratch = scratchDir('2.6');
  try {
    const out = await runTorch('2.6', 'bench_io.py', [
      scratch.pyPath,
      '--tensors',
      String(tensors),
      '--repeats',
      String(repeats),
    ]);
    return JSON.parse(out.trim().split('\n').pop() as string) as TorchIoTimes;
  } finally {
    scratch.cleanup();
  }
}
