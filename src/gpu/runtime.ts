/**
 * A GpuRuntime bundles what every kernel host needs: the device, the storage-buffer pool, a uniform-buffer
 * pool, and the pipeline cache. Create one per device.
 */
import { BufferPool } from './buffer-pool.ts';
import { type GpuContext, type RequestGpuOptions, requestGpu } from './device.ts';
import { PipelineCache } from './pipeline-cache.ts';
import { loadShaderSync, preloadShaders } from './shader-source.ts';

const UNIFORM_USAGE = 0x40 | 0x8; // UNIFORM | COPY_DST

export class GpuRuntime {
  readonly buffers: BufferPool;
  readonly uniforms: BufferPool;
  readonly pipelines: PipelineCache;

  constructor(
    readonly device: GPUDevice,
    readonly context?: GpuContext,
  ) {
    this.buffers = new BufferPool(device);
    this.uniforms = new BufferPool(device, UNIFORM_USAGE, 'params');
    this.pipelines = new PipelineCache(device);
  }

  static async create(options: RequestGpuOptions = {}): Promise<GpuRuntime> {
    const [context] = await Promise.all([requestGpu(options), preloadShaders()]);
    return new GpuRuntime(context.device, context);
  }

  /**
   * The pipeline for shaders/<shader>.wgsl at entryPoint with these override constants. Synchronous, so a
   * kernel host records its dispatch before it returns (in plain Node, after preloadShaders()).
   */
  pipeline(
    shader: string,
    entryPoint: string,
    constants: Readonly<Record<string, number>> = {},
  ): GPUComputePipeline {
    const code = loadShaderSync(shader);
    return this.pipelines.get({ code, entryPoint, constants, label: `${shader}.${entryPoint}` });
  }

  /** Releases pooled buffers (the device itself belongs to the caller). */
  destroy(): void {
    this.buffers.destroy();
    this.uniforms.destroy();
  }
}
