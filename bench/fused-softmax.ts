/**
 * The fused softmax primitive beside the composite it replaced (amax, sub, exp, sum, div and their
 * backward), forward and backward, on the CPU backend and on this machine's WebGPU adapter, for attention
 * rows (B*H*T, T) of the issue-14 GPT (batch 16, 4 heads, block 64) and for classifier logits.
 * Run: npx tsx bench/fused-softmax.ts. On SwiftShader compare the ratio, never the times.
 */
import { softmax, softmaxComposite } from '../src/tensor/functional/activation.ts';
import { type Backend, type Tensor, cpu, createWebGpuBackend, fromHost } from '../src/tensor/index.ts';

const shapes: [string, number[]][] = [
  ['attention rows (4096, 64)', [16 * 4 * 64, 64]],
  ['logits (256, 10)', [256, 10]],
];

/** Median milliseconds of forward + backward + one read, after a warm-up. */
async function time(backend: Backend, fn: (x: Tensor, dim: number) => Tensor, shape: number[]) {
  const n = shape.reduce((a, d) => a * d, 1);
  const data = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 250 - 2);
  const once = async () => {
    const x = fromHost(data, shape, { requiresGrad: true, backend });
    fn(x, -1).square().sum().backward();
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
  for (const [label, shape] of shapes) {
    const composite = await time(backend, softmaxComposite, shape);
    const fused = await time(backend, softmax, shape);
    const ratio = (composite / fused).toFixed(1);
    console.log(
      `${name} ${label}: composite ${composite.toFixed(2)} ms, fused ${fused.toFixed(2)} ms, ${ratio}x`,
    );
  }
