/**
 * pthlab's column, in the page: matmul through the WGSL kernel host (encodeMatmul, one command buffer and one
 * one-value readback per sample) and training through the shipped Trainer (pthlab's own modules, loss and
 * optimizer) on its WebGPU Backend, both on the Backend's one device.
 */
import { type AdapterSummary, StepEncoder, encodeMatmul, readFloat32, upload } from '../../src/gpu/index.ts';
import { buildModule } from '../../src/nn/index.ts';
import { SGD } from '../../src/optim/index.ts';
import { type Backend, Generator } from '../../src/tensor/index.ts';
import { Trainer } from '../../src/train/index.ts';
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

/** Steps the Trainer takes per read-back of its loss, in the bench as on the page. */
const STEPS_PER_READ = 10;

/**
 * Steps per second of the shipped Trainer (buildModule(spec) + cross-entropy + SGD on `backend`), the loop the
 * page and `pthlab train` run: each sample is STEPS_PER_READ steps, one command buffer each, timed until the
 * last one's loss is read back (its only wait on the device).
 */
export async function trainCell(
  backend: Backend,
  workload: typeof mlp | typeof cnn,
  budget: CellBudget,
): Promise<Cell> {
  const model = buildModule(workload.spec, { backend, generator: new Generator(SEED) });
  const optimizer = new SGD(model.parameters(), { lr: LEARNING_RATE });
  const { x, labels } = randomBatch(workload.batch, workload.input, workload.classes, SEED);
  // One batch of rows (B, 784) or (B, 1, 28, 28): every step takes all of them, in order.
  const data = { x, xShape: [workload.batch, ...workload.input], y: labels, yShape: [workload.batch] };
  const trainer = new Trainer({
    model,
    optimizer,
    data: { ...data, length: workload.batch },
    batchSize: workload.batch,
    loss: 'cross_entropy',
    backend,
    metricsEvery: STEPS_PER_READ,
  });
  const once = async (): Promise<void> => {
    let metrics: Promise<unknown> | undefined;
    for (let i = 0; i < STEPS_PER_READ; i++) metrics = trainer.enqueueStep(i === STEPS_PER_READ - 1).metrics;
    await metrics;
  };
  const { median, samples } = await sample(once, budget);
  return { value: STEPS_PER_READ / median, samples };
}
