/**
 * StepEncoder records many dispatches (and copies) into ONE command encoder and submits them as ONE command
 * buffer: SwiftShader's per-submit overhead is large, so a whole training step goes in one submit.
 * Binding convention, for every kernel: storage inputs (read-only), then storage outputs, then the uniform
 * params struct, at bindings 0, 1, 2, ... of group 0. Nothing here reads back.
 */
import type { GpuRuntime } from './runtime.ts';

export type StorageBinding = GPUBuffer | { buffer: GPUBuffer; offset?: number; size?: number };

export interface DispatchSpec {
  pipeline: GPUComputePipeline;
  /** Inputs, then outputs, in binding order. */
  buffers: readonly StorageBinding[];
  /** The packed params struct (ParamsSchema.pack), bound after the buffers; omit for kernels without one. */
  params?: ArrayBuffer;
  workgroups: readonly [number, number?, number?];
  label?: string;
}

/** At most this many workgroups per grid dimension (WebGPU's default maxComputeWorkgroupsPerDimension). */
export const MAX_WORKGROUPS_PER_DIM = 65535;

/** A 2D grid with at least `groups` workgroups, for 1D kernels that may exceed one dimension's limit. */
export function grid1d(invocations: number, workgroupSize: number): [number, number] {
  const groups = Math.max(1, Math.ceil(invocations / workgroupSize));
  if (groups <= MAX_WORKGROUPS_PER_DIM) return [groups, 1];
  const y = Math.ceil(groups / MAX_WORKGROUPS_PER_DIM);
  return [Math.ceil(groups / y), y];
}

export class StepEncoder {
  private readonly encoder: GPUCommandEncoder;
  private pass: GPUComputePassEncoder | null = null;
  private readonly uniformsInUse: GPUBuffer[] = [];
  private readonly releaseAfterSubmit: GPUBuffer[] = [];
  private submitted = false;
  private count = 0;

  constructor(
    private readonly runtime: GpuRuntime,
    label = 'step',
  ) {
    this.encoder = runtime.device.createCommandEncoder({ label });
  }

  dispatch(spec: DispatchSpec): void {
    this.checkOpen();
    const { device } = this.runtime;
    const entries: GPUBindGroupEntry[] = spec.buffers.map((b, binding) => ({
      binding,
      resource: 'buffer' in b ? { ...b } : { buffer: b },
    }));
    if (spec.params) {
      const uniform = this.runtime.uniforms.acquire(spec.params.byteLength);
      // Queue writes run before this step's submit; each dispatch has its own uniform buffer.
      device.queue.writeBuffer(uniform, 0, spec.params);
      this.uniformsInUse.push(uniform);
      entries.push({ binding: entries.length, resource: { buffer: uniform, size: spec.params.byteLength } });
    }
    const bindGroup = device.createBindGroup({
      layout: spec.pipeline.getBindGroupLayout(0),
      entries,
      ...(spec.label ? { label: spec.label } : {}),
    });
    this.pass ??= this.encoder.beginComputePass();
    this.pass.setPipeline(spec.pipeline);
    this.pass.setBindGroup(0, bindGroup);
    const [x, y = 1, z = 1] = spec.workgroups;
    this.pass.dispatchWorkgroups(x, y, z);
    this.count++;
  }

  copy(src: GPUBuffer, dst: GPUBuffer, byteLength: number, srcOffset = 0, dstOffset = 0): void {
    this.checkOpen();
    this.endPass();
    this.encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, byteLength);
  }

  /** Returns a pooled buffer to the pool once this step is submitted (a temporary of this step). */
  releaseOnSubmit(buffer: GPUBuffer): void {
    this.releaseAfterSubmit.push(buffer);
  }

  get dispatchCount(): number {
    return this.count;
  }

  /** Finishes the ONE command buffer and submits it. */
  submit(): void {
    this.checkOpen();
    this.endPass();
    this.runtime.device.queue.submit([this.encoder.finish()]);
    this.submitted = true;
    for (const u of this.uniformsInUse) this.runtime.uniforms.release(u);
    for (const b of this.releaseAfterSubmit) this.runtime.buffers.release(b);
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private checkOpen(): void {
    if (this.submitted) throw new Error('StepEncoder: already submitted');
  }
}
