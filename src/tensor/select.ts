/**
 * Choosing the device: WebGPU where it works, else the CPU backend, saying which was chosen and why, so an
 * app can show a notice (never a silent fallback).
 */
import type { AdapterSummary } from '../gpu/device.ts';
import type { Backend } from './backend.ts';
import { cpu } from './cpu/backend.ts';
import { type WebGpuBackendOptions, createWebGpuBackend } from './webgpu/backend.ts';

/**
 * 'webgpu': WebGPU, or the CPU when WebGPU is missing; 'cpu': the CPU backend; 'auto': as 'webgpu', and
 * also the CPU when the only adapter is a software one (SwiftShader runs shaders on the CPU, where the plain
 * TypeScript kernels were 2-5x faster in training steps: test/gpu/step-rate-run.ts).
 */
export type BackendChoice = 'webgpu' | 'cpu' | 'auto';

export interface SelectedBackend {
  backend: Backend;
  kind: 'webgpu' | 'cpu';
  requested: BackendChoice;
  /** Why the backend differs from the request (for the user); null when it is what was asked for. */
  notice: string | null;
  /** The WebGPU adapter, when one was found. */
  adapter: AdapterSummary | null;
}

/** True for adapters that run shaders in software on the CPU. */
export function isSoftwareAdapter(info: AdapterSummary): boolean {
  return (
    info.isFallbackAdapter ||
    /swiftshader|llvmpipe|lavapipe|warp/i.test(`${info.architecture} ${info.description}`)
  );
}

export async function selectBackend(
  requested: BackendChoice = 'auto',
  opts: WebGpuBackendOptions = {},
): Promise<SelectedBackend> {
  if (requested === 'cpu') return { backend: cpu, kind: 'cpu', requested, notice: null, adapter: null };
  let gpu;
  try {
    gpu = await createWebGpuBackend(opts);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      backend: cpu,
      kind: 'cpu',
      requested,
      notice: `WebGPU is not available, so training runs on the CPU backend. ${reason}`,
      adapter: null,
    };
  }
  const adapter = gpu.adapter;
  if (requested === 'auto' && adapter !== null && isSoftwareAdapter(adapter)) {
    gpu.destroy();
    gpu.runtime.device.destroy();
    return {
      backend: cpu,
      kind: 'cpu',
      requested,
      notice:
        `The only WebGPU adapter (${adapter.architecture || adapter.description || 'unknown'}) runs in ` +
        'software, so training runs on the faster CPU backend.',
      adapter,
    };
  }
  return { backend: gpu, kind: 'webgpu', requested, notice: null, adapter };
}
