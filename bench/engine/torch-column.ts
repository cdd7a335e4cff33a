/** torch 2.6's column (CPU, its default threads), run by test/torch/py/bench_engine.py through the harness. */
import { runTorch } from '../../test/torch/harness.ts';
import {
  type Cell,
  type CellBudget,
  LEARNING_RATE,
  type RowName,
  SEED,
  cnn,
  matmulSizes,
  mlp,
} from './workloads.ts';

interface TorchCell {
  value: number;
  samples: number;
}

interface TorchEngineOutput {
  torch: string;
  threads: number;
  blas: string | null;
  matmul: Record<string, TorchCell>;
  train: Record<string, TorchCell>;
}

export interface TorchColumn {
  version: string;
  threads: number;
  /** The BLAS library torch loaded (its CPU matmul), as the process mapped it. */
  blas: string | null;
  cells: Partial<Record<RowName, Cell>>;
}

function trainArg(name: string, w: typeof mlp | typeof cnn): string {
  return `--train=${name}=${w.batch}:${w.input.join(',')}:${w.classes}:${JSON.stringify(w.spec)}`;
}

export async function torchColumn(rows: readonly RowName[], budget: CellBudget): Promise<TorchColumn> {
  const sizes = rows.flatMap((row) => matmulSizes[row] ?? []);
  const args = [
    `--sizes=${sizes.join(',')}`,
    ...(rows.includes('mlp steps/s') ? [trainArg('mlp', mlp)] : []),
    ...(rows.includes('cnn steps/s') ? [trainArg('cnn', cnn)] : []),
    `--lr=${LEARNING_RATE}`,
    `--seed=${SEED}`,
    `--warmup=${budget.warmup}`,
    `--seconds=${budget.seconds}`,
    `--min-samples=${budget.minSamples}`,
    `--max-samples=${budget.maxSamples}`,
    `--cap=${budget.capSeconds}`,
  ];
  const stdout = await runTorch('2.6', 'bench_engine.py', args);
  const out = JSON.parse(stdout.trim().split('\n').pop() as string) as TorchEngineOutput;
  const cells: Partial<Record<RowName, Cell>> = {};
  for (const row of rows) {
    const n = matmulSizes[row];
    const got = n !== undefined ? out.matmul[String(n)] : out.train[row === 'mlp steps/s' ? 'mlp' : 'cnn'];
    cells[row] = got
      ? { value: got.value, samples: got.samples }
      : { value: null, note: 'torch: not measured' };
  }
  return { version: out.torch, threads: out.threads, blas: out.blas, cells };
}
