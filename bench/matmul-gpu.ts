/**
 * GFLOP/s of the WGSL matmul (shaders/matmul.wgsl) at n = 256, 512, 1024 on this machine's adapter.
 * Run: npx tsx bench/matmul-gpu.ts [sizes...]. Absolute numbers on SwiftShader are CPU speeds: compare ratios.
 */
import { StepEncoder } from '../src/gpu/dispatch.ts';
import { encodeMatmul } from '../src/gpu/kernels/matmul.ts';
import { readFloat32, upload } from '../src/gpu/readback.ts';
import { GpuRuntime } from '../src/gpu/runtime.ts';
import { shaderLoaderKind } from '../src/gpu/shader-source.ts';

const sizes = process.argv.slice(2).map(Number);
const runtime = await GpuRuntime.create();
const info = runtime.context?.info;
console.log(
  `adapter: ${info?.vendor} ${info?.architecture} (${info?.description}); shaders from ${shaderLoaderKind()}`,
);

for (const n of sizes.length > 0 ? sizes : [256, 512, 1024]) {
  const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const a = upload(runtime, data);
  const b = upload(runtime, data);
  const out = runtime.buffers.acquire(n * n * 4);
  const run = async (repeats: number): Promise<number> => {
    const step = new StepEncoder(runtime);
    for (let r = 0; r < repeats; r++) {
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
    }
    const t0 = performance.now();
    step.submit();
    await runtime.device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / 1000;
  };
  await run(1); // compile and warm up
  const repeats = n <= 256 ? 8 : n <= 512 ? 3 : 1;
  const seconds = await run(repeats);
  await readFloat32(runtime.device, out, 1);
  const gflops = (2 * n * n * n * repeats) / seconds / 1e9;
  console.log(
    `n=${n}: ${gflops.toFixed(2)} GFLOP/s (${((seconds / repeats) * 1000).toFixed(1)} ms per matmul)`,
  );
}
runtime.destroy();
runtime.device.destroy();
