/** selectBackend: what it picks here (SwiftShader: a software adapter) and the notice it gives. */
import { describe, expect, it } from 'vitest';
import { cpu } from '../../src/tensor/cpu/backend.ts';
import { isSoftwareAdapter, selectBackend } from '../../src/tensor/select.ts';
import { WebGpuBackend } from '../../src/tensor/webgpu/backend.ts';

describe('selectBackend', () => {
  it("'cpu' is the CPU backend, without a notice", async () => {
    expect(await selectBackend('cpu')).toMatchObject({ backend: cpu, kind: 'cpu', notice: null });
  });

  it("'webgpu' gives the WebGPU backend when an adapter exists, and it computes", async () => {
    const chosen = await selectBackend('webgpu');
    expect(chosen.kind).toBe('webgpu');
    expect(chosen.notice).toBeNull();
    const be = chosen.backend as WebGpuBackend;
    expect(be).toBeInstanceOf(WebGpuBackend);
    expect(await be.read(be.unary('relu', be.upload(Float32Array.of(-1, 2)), 2), 'float32')).toEqual(
      Float32Array.of(0, 2),
    );
    be.destroy();
    be.runtime.device.destroy();
  });

  it("'auto' prefers the CPU over a software adapter and says why", async () => {
    const chosen = await selectBackend('auto');
    expect(chosen.adapter).not.toBeNull();
    expect(isSoftwareAdapter(chosen.adapter!)).toBe(true); // SwiftShader here
    expect(chosen.kind).toBe('cpu');
    expect(chosen.notice).toMatch(/runs in software/);
  });
});
