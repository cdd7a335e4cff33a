/**
 * Where the pad's drawing becomes MNIST's 28x28: the backend op `resizeBilinear` on WebGPU whenever
 * navigator.gpu gives an adapter (the WGSL resize kernel), else the kernel's TypeScript twin (pixels.ts); both
 * compute F.interpolate(mode='bilinear', align_corners=False). `on` says which ran last and `problem` why
 * WebGPU was not used, so the fallback is never silent. The pad goes through src/tensor's Backend, never
 * src/gpu itself.
 */
import { type Backend, selectBackend } from '../../tensor/index.ts';
import { resizeTo } from './pixels.ts';

export type ResizedOn = 'webgpu' | 'typescript';

export class MnistResizer {
  /** Where the last resize ran (undefined before the first). */
  on: ResizedOn | undefined;
  /** Why the GPU path is not taken, when it is not. */
  problem: string | undefined;
  private given: Backend | undefined;
  private gpu: Promise<Backend | undefined> | undefined;

  /** Resize on this WebGPU backend (the page's, when it trains on WebGPU) instead of one of the resizer's own. */
  useBackend(backend: Backend | undefined): void {
    if (backend === this.given) return;
    this.given = backend;
    this.gpu = undefined;
  }

  /** (h, w) grey levels to (side, side). */
  async resize(grey: Float32Array, h: number, w: number, side: number): Promise<Float32Array> {
    const gpu = await (this.gpu ??= this.startGpu());
    if (gpu !== undefined) {
      try {
        const x = gpu.upload(grey);
        const y = gpu.resizeBilinear(x, { n: 1, c: 1, h, w, hOut: side, wOut: side });
        const out = (await gpu.read(y, 'float32')) as Float32Array;
        gpu.free?.(x);
        gpu.free?.(y);
        this.on = 'webgpu';
        return out;
      } catch (e) {
        // A lost device or a GPU error: say so, and stay on the twin from now on.
        this.problem = `the WebGPU resize failed: ${(e as Error).message}`;
        this.gpu = Promise.resolve(undefined);
      }
    }
    this.on = 'typescript';
    return resizeTo(grey, h, w, side);
  }

  /**
   * The given backend, or a WebGPU one of the resizer's own from any adapter navigator.gpu gives, a software
   * one too: one small resize per stroke is cheap even on SwiftShader, unlike training, for which the app
   * prefers the CPU backend there.
   */
  private async startGpu(): Promise<Backend | undefined> {
    if (this.given !== undefined) return this.given;
    if (typeof navigator === 'undefined' || navigator.gpu === undefined) {
      this.problem = 'this browser has no WebGPU';
      return undefined;
    }
    const selected = await selectBackend('webgpu');
    this.problem = selected.kind === 'webgpu' ? undefined : (selected.notice ?? 'no WebGPU device');
    return selected.kind === 'webgpu' ? selected.backend : undefined;
  }
}
