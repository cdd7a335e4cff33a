/**
 * `npm run bench -- --only attention`: the fused causal attention op (shaders/attention.wgsl) against the
 * composite of primitives (matmul, where, softmax, matmul) on the SAME adapter in one Node process (Dawn;
 * SwiftShader here), at a GPT-like size, forward and forward + backward, reported as ratios. Each timed run
 * records one step and ends with a read, so it covers recording, submit and the device's work.
 */
import { noGrad } from '../src/tensor/autograd.ts';
import { F, type Tensor, createWebGpuBackend, fromHost } from '../src/tensor/index.ts';
import { median } from './engine/timing.ts';
import { type CellBudget, defaultBudget } from './engine/workloads.ts';

export const attentionShape = { B: 16, H: 4, T: 64, D: 32 } as const;

export interface AttentionRow {
  /** 'forward', 'backward' (forward + backward less forward) or 'forward + backward'. */
  name: string;
  /** Median milliseconds. */
  fusedMs: number;
  compositeMs: number;
}

export interface AttentionReport {
  adapter: string;
  shape: typeof attentionShape;
  rows: AttentionRow[];
}

type Fn = (q: Tensor, k: Tensor, v: Tensor) => Tensor;

export async function attentionReport(budget: CellBudget = defaultBudget): Promise<AttentionReport> {
  const be = await createWebGpuBackend();
  const { B, H, T, D } = attentionShape;
  const shape = [B, H, T, D];
  const n = B * H * T * D;
  const data = (seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 0.8);
  const [q, k, v] = [1, 2, 3].map((s) => fromHost(data(s), shape, { backend: be, requiresGrad: true })) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const upstream = fromHost(data(4), shape, { backend: be });

  const fused: Fn = (a, b, c) => F.scaledDotProductAttention(a, b, c, { isCausal: true });
  const composite: Fn = (a, b, c) => F.attentionComposite(a, b, c, { isCausal: true });
  const forward = (fn: Fn) => async () => {
    await noGrad(() => fn(q, k, v)).data();
  };
  const step = (fn: Fn) => async () => {
    for (const x of [q, k, v]) x.grad = null;
    // torch's `out.backward(upstream)`: the op's own backward, seeded with a fixed upstream gradient. (A
    // loss such as `(out * upstream).sum()` would add the same elementwise and reduce kernels to both sides.)
    fn(q, k, v).backward(upstream);
    await Promise.all([q, k, v].map((x) => (x.grad as Tensor).data()));
  };

  // Cells alternate in rounds, so a neighbour's load on this shared machine falls on both sides alike.
  const cells = {
    fusedFwd: forward(fused),
    compFwd: forward(composite),
    fusedStep: step(fused),
    compStep: step(composite),
  };
  const times: Record<keyof typeof cells, number[]> = {
    fusedFwd: [],
    compFwd: [],
    fusedStep: [],
    compStep: [],
  };
  for (const once of Object.values(cells)) for (let i = 0; i < budget.warmup; i++) await once();
  const start = performance.now();
  for (let round = 0; round < budget.maxSamples; round++) {
    for (const [name, once] of Object.entries(cells) as [keyof typeof cells, () => Promise<void>][]) {
      const t0 = performance.now();
      await once();
      times[name].push(performance.now() - t0);
    }
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= 4 * budget.seconds && round + 1 >= budget.minSamples) break;
    if (elapsed >= 4 * budget.capSeconds) break;
  }
  const m = (name: keyof typeof cells) => median(times[name]);
  const info = be.adapter;
  be.destroy();
  return {
    adapter: info ? `${info.vendor} ${info.architecture}` : 'unknown',
    shape: attentionShape,
    rows: [
      { name: 'forward', fusedMs: m('fusedFwd'), compositeMs: m('compFwd') },
      {
        name: 'backward',
        fusedMs: m('fusedStep') - m('fusedFwd'),
        compositeMs: m('compStep') - m('compFwd'),
      },
      { name: 'forward + backward', fusedMs: m('fusedStep'), compositeMs: m('compStep') },
    ],
  };
}

export function attentionTable(r: AttentionReport): string {
  const { B, H, T, D } = r.shape;
  const cell = (text: string, width: number) => text.padStart(width);
  return [
    `Causal attention (B=${B}, H=${H}, T=${T}, D=${D}), fused kernel vs composite of primitives, same adapter (${r.adapter}), medians`,
    `${'row'.padEnd(22)}${cell('fused ms', 11)}${cell('composite ms', 14)}${cell('speed-up', 10)}`,
    ...r.rows.map(
      (row) =>
        `${row.name.padEnd(22)}${cell(row.fusedMs.toFixed(1), 11)}${cell(row.compositeMs.toFixed(1), 14)}${cell(`${(row.compositeMs / row.fusedMs).toFixed(2)}x`, 10)}`,
    ),
  ].join('\n');
}
