/**
 * StepEncoder records many dispatches (and copies) into ONE command encoder and submits them as ONE command
 * buffer: SwiftShader's per-submit overhead is large, so a whole training step goes in one submit.
 * Binding convention, for every kernel: storage inputs (read-only), then storage outputs, then the uniform
 * params struct, at bindings 0, 1, 2, ... of group 0. Nothing here reads back.
 * Per-dispatch host cost is kept low: all params structs of a step share pooled 64 KiB uniform chunks (one
 * queue write per chunk at submit, not a buffer and a write per dispatch), and bind group layouts are
 * fetched once per pipeline. createBindGroup (about 60 us in Dawn's Node binding) remains the main cost.
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

/** Bytes of one uniform arena chunk: many dispatches' params structs, written with ONE queue write. */
const UNIFORM_CHUNK = 65536;

interface UniformChunk {
  buffer: GPUBuffer;
  data: Uint8Array;
  used: number;
}

/** getBindGroupLayout allocates a new wrapper on every call in Dawn: one per pipeline is enough. */
const layouts = new WeakMap<GPUComputePipeline, GPUBindGroupLayout>();

function layoutOf(pipeline: GPUComputePipeline): GPUBindGroupLayout {
  let layout = layouts.get(pipeline);
  if (!layout) {
    layout = pipeline.getBindGroupLayout(0);
    layouts.set(pipeline, layout);
  }
  return layout;
}

export class StepEncoder {
  private readonly encoder: GPUCommandEncoder;
  private pass: GPUComputePassEncoder | null = null;
  /** The step's params structs, packed at aligned offsets into pooled chunks, written once at submit. */
  private readonly uniformChunks: UniformChunk[] = [];
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
    const entries: GPUBindGroupEntry[] = spec.buffers.map((b, binding) => ({
      binding,
      resource: 'buffer' in b ? { ...b } : { buffer: b },
    }));
    // Each dispatch's params live at their own offset of the step's uniform arena.
    if (spec.params) entries.push({ binding: entries.length, resource: this.uniformSlot(spec.params) });
    const bindGroup = this.runtime.device.createBindGroup({
      layout: layoutOf(spec.pipeline),
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

  /** Finishes the ONE command buffer and submits it, after one queue write per uniform chunk. */
  submit(): void {
    this.checkOpen();
    this.endPass();
    const { queue } = this.runtime.device;
    for (const c of this.uniformChunks) queue.writeBuffer(c.buffer, 0, c.data, 0, c.used);
    queue.submit([this.encoder.finish()]);
    this.submitted = true;
    for (const c of this.uniformChunks) this.runtime.uniforms.release(c.buffer);
    for (const b of this.releaseAfterSubmit) this.runtime.buffers.release(b);
  }

  /** A place for one params struct in the step's uniform arena (offsets aligned as the device needs). */
  private uniformSlot(params: ArrayBuffer): { buffer: GPUBuffer; offset: number; size: number } {
    const align = this.runtime.device.limits.minUniformBufferOffsetAlignment;
    let chunk = this.uniformChunks[this.uniformChunks.length - 1];
    if (!chunk || Math.ceil(chunk.used / align) * align + params.byteLength > UNIFORM_CHUNK) {
      chunk = {
        buffer: this.runtime.uniforms.acquire(UNIFORM_CHUNK),
        data: new Uint8Array(UNIFORM_CHUNK),
        used: 0,
      };
      this.uniformChunks.push(chunk);
    }
    const offset = Math.ceil(chunk.used / align) * align;
    chunk.data.set(new Uint8Array(params), offset);
    chunk.used = offset + params.byteLength;
    return { buffer: chunk.buffer, offset, size: params.byteLength };
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private checkOpen(): void {
    if (this.submitted) throw new Error('StepEncoder: already submitted');
  }
}
