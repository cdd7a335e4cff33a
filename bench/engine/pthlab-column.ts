/**
 * pthlab's column, in the page: matmul through the WGSL kernel host (encodeMatmul, one command buffer and one
 * one-value readback per sample) and training through pthlab's own modules, loss and optimizer on its WebGPU
 * Backend, both on the Backend's one device.
 */
import { type AdapterSummary, StepEncoder, encodeMatmul, readFloat32, upload } from '../../src/gpu/index.ts';
import { buildModule } from '../../src/nn/index.ts';
import { SGD } from '../../src/optim/index.ts';
import { type Backend, F, Generator, fromHost, tensor } from '../../src/tensor/index.ts';
import { type WebGpuBackend, createWebGpuBackend } from '../../src/tensor/webgpu/backend.ts';
import { randomBatch, randomMatrix } from './data.ts';
import { sample } from './timing.ts';
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

export class PthlabColumn {
  private constructor(private readonly backend: WebGpuBackend) {}

  static async create(): Promise<PthlabColumn> {
    return new PthlabColumn(await createWebGpuBackend());
  }

  get adapter(): AdapterSummary | null {
    return this.backend.adapter;
  }

  async cell(row: RowName, budget: CellBudget): Promise<Cell> {
    const n = matmulSizes[row];
    if (n !== undefined) return this.matmul(n, budget);
    return trainCell(this.backend, row === 'mlp steps/s' ? mlp : cnn, budget);
  }

  private async matmul(n: number, budget: CellBudget): Promise<Cell> {
    const { runtime } = this.backend;
    const a = upload(runtime, randomMatrix(n, SEED));
    const b = upload(runtime, randomMatrix(n, SEED + 1));
    const out = runtime.buffers.acquire(n * n * 4);
    const once = async (): Promise<void> => {
      const step = new StepEncoder(runtime, 'bench-matmul');
      encodeMatmul(runtime, step, {
        batch: 1,
        m: n,
        k: n,
        n,
        a,
        b,
        out,
        aLength: n * n,
        bLength: n * n,
      });
      step.submit();
      await readFloat32(runtime.device, out, 1); // (n, n) -> one value: waits for the matmul
    };
    try {
      const { median, samples } = await sample(once, budget);
      return { value: (2 * n ** 3) / median / 1e9, samples };
    } finally {
      runtime.buffers.release(a);
      runtime.buffers.release(b);
      runtime.buffers.release(out);
    }
  }
}

/** Steps per second of buildModule(spec) + cross-entropy + SGD on `backend`, synchronised by the loss. */
export async function trainCell(
  backend: Backend,
  workload: typeof mlp | typeof cnn,
  budget: CellBudget,
): Promise<Cell> {
  const model = buildModule(workload.spec, { backend, generator: new Generator(SEED) });
  const optimizer = new SGD(model.parameters(), { lr: LEARNING_RATE });
  const { x, labels } = randomBatch(workload.batch, workload.input, workload.classes, SEED);
  const input = fromHost(x, [workload.batch, ...workload.input], { backend }); // (B, 784) or (B, 1, 28, 28)
  const target = tensor(labels, [workload.batch], { dtype: 'int64', backend }); // (B)
  const once = async (): Promise<void> => {
    optimizer.zeroGrad();
    const loss = F.crossEntropy(model.forward(input), target);
    loss.backward();
    optimizer.step();
    await loss.data();
  };
  const { median, samples } = await sample(once, budget);
  return { value: 1 / median, samples };
}
