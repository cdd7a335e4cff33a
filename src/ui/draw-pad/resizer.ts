/**
 * Where the pad's drawing becomes MNIST's 28x28: the WGSL resize kernel on WebGPU whenever navigator.gpu gives
 * an adapter (GpuResize), else the kernel's TypeScript twin (pixels.ts); both compute
 * F.interpolate(mode='bilinear', align_corners=False). `on` says which ran last and `problem` why WebGPU was
 * not used, so the fallback is never silent.
 */
import { GpuResize } from './gpu-resize.ts';
import { resizeTo } from './pixels.ts';

export type ResizedOn = 'webgpu' | 'typescript';

export class MnistResizer {
  /** Where the last resize ran (undefined before the first). */
  on: ResizedOn | undefined;
  /** Why the GPU path is not taken, when it is not. */
  problem: string | undefined;
  private device: GPUDevice | undefined;
  private gpu: Promise<GpuResize | undefined> | undefined;

  /** Resize on this device (the page's, when it trains on WebGPU) instead of one of the resizer's own. */
  useDevice(device: GPUDevice | undefined): void {
    if (device === this.device) return;
    this.device = device;
    this.gpu = undefined;
  }

  /** (h, w) grey levels to (side, side). */
  async resize(grey: Float32Array, h: number, w: number, side: number): Promise<Float32Array> {
    const gpu = await (this.gpu ??= this.startGpu());
    if (gpu !== undefined) {
      try {
        const out = await gpu.resize(grey, { n: 1, c: 1, h, w, hOut: side, wOut: side });
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

  private async startGpu(): Promise<GpuResize | undefined> {
    if (typeof navigator === 'undefined' || navigator.gpu === undefined) {
      this.problem = 'this browser has no WebGPU';
      return undefined;
    }
    try {
      const gpu = await GpuResize.create(this.device);
      this.problem = undefined;
      return gpu;
    } catch (e) {
      this.problem = `no WebGPU device: ${(e as Error).message}`;
      return undefined;
    }
  }
}
