/**
 * The fused primitives beside the composites they replaced, forward and backward, on the CPU backend and on
 * this machine's WebGPU adapter, at the issue-14 GPT's sizes (batch 16, 4 heads, block 64, n_embd 128):
 * softmax over attention rows (B*H*T, T) and classifier logits; layer_norm over (B*T, C) with affine.
 * Run: npx tsx bench/fused.ts. On SwiftShader compare the ratio, never the times.
 */
import { softmax, softmaxComposite } from '../src/tensor/functional/activation.ts';
import { layerNorm, layerNormComposite } from '../src/tensor/functional/norm.ts';
import { type Backend, type Tensor, cpu, createWebGpuBackend, fromHost } from '../src/tensor/index.ts';

type Fn = (x: Tensor, backend: Backend) => Tensor;

const affine = (backend: Backend, c: number) => ({
  w: fromHost(new Float32Array(c).fill(1.5), [c], { requiresGrad: true, backend }),
  b: fromHost(new Float32Array(c).fill(0.5), [c], { requiresGrad: true, backend }),
});

const cases: [string, number[], Fn, Fn][] = [
  [
    'softmax, attention rows (4096, 64)',
    [16 * 4 * 64, 64],
    (x) => softmaxComposite(x, -1),
    (x) => softmax(x, -1),
  ],
  ['softmax, logits (256, 10)', [256, 10], (x) => softmaxComposite(x, -1), (x) => softmax(x, -1)],
  [
    'layer_norm, (B*T, C) = (1024, 128)',
    [16 * 64, 128],
    (x, be) => {
      const { w, b } = affine(be, 128);
      return layerNormComposite(x, [128], w, b);
    },
    (x, be) => {
      const { w, b } = affine(be, 128);
      return layerNorm(x, [128], w, b);
    },
  ],
];

/** Median milliseconds of forward + backward + one read, after a warm-up. */
async function time(backend: Backend, fn: Fn, shape: number[]) {
  const n = shape.reduce((a, d) => a * d, 1);
  const data = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 250 - 2);
  const once = async () => {
    const x = fromHost(data, shape, { requiresGrad: true, backend });
    fn(x, backend).square().sum().backward();
    await x.grad!.data();
  };
  await once();
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    await once();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[3]!;
}

const backends: [string, Backend][] = [['cpu', cpu]];
try {
  const gpu = await createWebGpuBackend();
  backends.push([`webgpu (${gpu.adapter?.architecture || gpu.adapter?.description || '?'})`, gpu]);
} catch (e) {
  console.log(`no WebGPU: ${(e as Error).message}`);
}
for (const [name, backend] of backends)
  for (const [label, shape, compositeFn, fusedFn] of cases) {
    const composite = await time(backend, compositeFn, shape);
    const fused = await time(backend, fusedFn, shape);
    const ratio = (composite / fused).toFixed(1);
    console.log(
      `${name} ${label}: composite ${composite.toFixed(2)} ms, fused ${fused.toFixed(2)} ms, ${ratio}x`,
    );
  }
