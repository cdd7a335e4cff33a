import { describe, expect, it } from 'vitest';
import { GpuValidationError } from '../../src/gpu/errors.ts';
import { loadShader, shaderLoaderKind } from '../../src/gpu/shader-source.ts';
import { gpuTest, runInHarness, sharedGpu } from './harness.ts';

describe('the GPU harness cannot pass by accident', () => {
  it('has a real adapter (a missing one fails, never skips)', async () => {
    const { info } = await sharedGpu();
    expect(info.vendor.length + info.architecture.length).toBeGreaterThan(0);
  });

  it('fails a test whose pipeline is invalid', async () => {
    const run = runInHarness(async ({ device }) => {
      const module = device.createShaderModule({
        code: '@compute @workgroup_size(1) fn main() { let x: u32 = 1.5; }',
      });
      device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    });
    await expect(run).rejects.toThrow(GpuValidationError);
  });

  it('fails a test that binds a buffer too small for the pipeline', async () => {
    const run = runInHarness(async ({ runtime, device }) => {
      const pipeline = runtime.pipeline('unary', 'forward', { OP: 0 });
      const small = runtime.buffers.acquire(4);
      device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: small } },
          { binding: 1, resource: { buffer: small } }, // a written buffer aliasing a read one
          { binding: 2, resource: { buffer: small } }, // and a storage buffer as the uniform
        ],
      });
    });
    await expect(run).rejects.toThrow(/validation/);
  });

  it('reports the test body error when the GPU was clean', async () => {
    await expect(runInHarness(() => Promise.reject(new Error('body failed')))).rejects.toThrow('body failed');
  });

  gpuTest('a clean test passes and leaves nothing behind', async ({ runtime }) => {
    runtime.buffers.acquire(1024);
    expect(runtime.buffers.bytesAllocated).toBe(1024);
  });
});

describe('shader sources', () => {
  it('load under Vitest through the bundle loader', async () => {
    expect(shaderLoaderKind()).toBe('bundle');
    expect(await loadShader('matmul')).toContain('fn main');
  });

  it('name the missing file', async () => {
    await expect(loadShader('no_such_kernel')).rejects.toThrow(/shaders\/no_such_kernel\.wgsl/);
  });
});
