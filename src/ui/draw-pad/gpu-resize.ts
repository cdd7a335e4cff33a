/**
 * The draw pad's resize on WebGPU: the WGSL bilinear kernel (shaders/resize.wgsl, host in
 * src/gpu/kernels/resize.ts) on a GPUDevice, one command buffer and one readback per call, inside error scopes
 * so a GPU error throws instead of giving zeros. Plain TypeScript beside the element, which only calls it.
 */
import { StepEncoder } from '../../gpu/dispatch.ts';
import { withErrorScopes } from '../../gpu/error-scope.ts';
import { encodeResizeBilinear } from '../../gpu/kernels/resize.ts';
import { readFloat32, upload } from '../../gpu/readback.ts';
import { GpuRuntime } from '../../gpu/runtime.ts';
import { preloadShaders } from '../../gpu/shader-source.ts';
import type { ResizeShape } from '../../kernels/resize.ts';

export class GpuResize {
  private constructor(
    private readonly runtime: GpuRuntime,
    /** The adapter, in words ("swiftshader", "nvidia ..."), for the pad to say where it resized. */
    readonly adapter: string,
  ) {}

  /**
   * On `device` (the page's, when it trains on WebGPU), or else on a device of its own from any adapter
   * navigator.gpu gives, a software one too: one small resize per stroke is cheap even on SwiftShader, unlike
   * training, for which the app prefers the CPU backend there.
   */
  static async create(device?: GPUDevice): Promise<GpuResize> {
    if (device !== undefined) {
      await preloadShaders();
      return new GpuResize(new GpuRuntime(device), "the page's WebGPU device");
    }
    const runtime = await GpuRuntime.create();
    const info = runtime.context?.info;
    return new GpuResize(runtime, info?.architecture || info?.description || info?.vendor || 'WebGPU');
  }

  /** (n, c, h, w) to (n, c, hOut, wOut), bilinear, align_corners=False. */
  resize(x: Float32Array, shape: ResizeShape): Promise<Float32Array> {
    const { device } = this.runtime;
    const length = shape.n * shape.c * shape.hOut * shape.wOut;
    return withErrorScopes(device, async () => {
      const input = upload(this.runtime, x);
      const output = this.runtime.buffers.acquire(length * 4);
      try {
        const step = new StepEncoder(this.runtime, 'draw-pad resize');
        encodeResizeBilinear(this.runtime, step, { x: input, y: output, shape });
        step.submit();
        return await readFloat32(device, output, length);
      } finally {
        // Safe once submitted: later work on the queue runs after this resize.
        this.runtime.buffers.release(input);
        this.runtime.buffers.release(output);
      }
    });
  }
}
