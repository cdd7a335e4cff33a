/**
 * Device memory of the WebGPU backend, and the ONE open step. Every kernel records into the open
 * StepEncoder; it is submitted only by a read or an explicit flush, so a training step is one command buffer.
 *
 * Ordering rules (queue.writeBuffer runs before every command buffer submitted after it, so before all the
 * work recorded in the open step):
 * - A buffer given back while a step is open returns to the pool only when that step is submitted; so a
 *   buffer acquired during a step was never used by it, and a queue write into it (upload, full) is safe.
 * - Writing a buffer the open step may already use goes through a copy recorded in the step (write).
 * - Buffers come back to the pool on `free`, or when their handle is garbage collected
 *   (FinalizationRegistry): tensors are not freed explicitly by autograd or the optimizers.
 */
import { StepEncoder } from '../../gpu/dispatch.ts';
import type { GpuRuntime } from '../../gpu/runtime.ts';
import type { DType, DeviceBuffer, HostArray } from '../backend.ts';

const MAP_READ_USAGE = 0x1 | 0x8; // MAP_READ | COPY_DST
const MAP_MODE_READ = 0x1;

/** What a DeviceBuffer of this backend is: a pooled GPUBuffer and the elements it holds. */
export class GpuHandle {
  freed = false;
  constructor(
    readonly buffer: GPUBuffer,
    readonly numel: number,
    readonly dtype: DType,
  ) {}

  get byteLength(): number {
    return this.numel * 4;
  }
}

export class GpuMemory {
  private step: StepEncoder | null = null;
  /** Given back while the open step may still use them: pooled again after its submit. */
  private pending: GPUBuffer[] = [];
  private readonly staging = new Map<number, GPUBuffer[]>();
  private readonly registry = new FinalizationRegistry<GPUBuffer>((buffer) => this.giveBack(buffer));
  private submits = 0;
  private destroyed = false;

  constructor(readonly runtime: GpuRuntime) {}

  /** A fresh handle of numel elements (contents undefined). */
  alloc(numel: number, dtype: DType): GpuHandle {
    const buffer = this.runtime.buffers.acquire(Math.max(4, numel * 4));
    const handle = new GpuHandle(buffer, numel, dtype);
    this.registry.register(handle, buffer, handle);
    return handle;
  }

  /** The open step, begun on first use. */
  encoder(): StepEncoder {
    this.step ??= new StepEncoder(this.runtime, `step ${this.submits}`);
    return this.step;
  }

  get stepOpen(): boolean {
    return this.step !== null;
  }

  /** Submits the open step, if any, and returns what it held to the pool. */
  flush(): void {
    if (this.step === null) return;
    this.step.submit();
    this.step = null;
    this.submits++;
    for (const b of this.pending) this.runtime.buffers.release(b);
    this.pending = [];
  }

  get submitCount(): number {
    return this.submits;
  }

  free(handle: GpuHandle): void {
    if (handle.freed) return;
    handle.freed = true;
    this.registry.unregister(handle);
    this.giveBack(handle.buffer);
  }

  /** A pooled buffer holding a copy of data, for use within the open step only (released on its submit). */
  stageUpload(data: HostArray): GPUBuffer {
    const buffer = this.runtime.buffers.acquire(Math.max(4, data.byteLength));
    this.runtime.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    this.encoder();
    this.pending.push(buffer);
    return buffer;
  }

  /** Records a copy into a mappable buffer, submits the step, and resolves with the host copy. */
  async read(handle: GpuHandle, dtype: DType): Promise<HostArray> {
    const bytes = handle.byteLength;
    const size = Math.max(4, bytes);
    const staging = this.acquireStaging(size);
    if (bytes > 0) this.encoder().copy(handle.buffer, staging, bytes);
    this.flush();
    try {
      await staging.mapAsync(MAP_MODE_READ, 0, size);
      const copy = staging.getMappedRange(0, size).slice(0, bytes);
      staging.unmap();
      return dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy);
    } finally {
      this.releaseStaging(staging);
    }
  }

  destroy(): void {
    this.destroyed = true;
    for (const list of this.staging.values()) for (const b of list) b.destroy();
    this.staging.clear();
  }

  private giveBack(buffer: GPUBuffer): void {
    // A tensor collected after the backend was destroyed: its buffer went with the device and the pool.
    if (this.destroyed) return;
    if (this.step === null) this.runtime.buffers.release(buffer);
    else this.pending.push(buffer);
  }

  private acquireStaging(size: number): GPUBuffer {
    const bucket = Math.max(256, 2 ** Math.ceil(Math.log2(size)));
    return (
      this.staging.get(bucket)?.pop() ??
      this.runtime.device.createBuffer({ size: bucket, usage: MAP_READ_USAGE, label: 'readback' })
    );
  }

  private releaseStaging(buffer: GPUBuffer): void {
    if (buffer.mapState !== 'unmapped') buffer.unmap();
    const list = this.staging.get(buffer.size) ?? [];
    list.push(buffer);
    this.staging.set(buffer.size, list);
  }
}

export const wrap = (h: GpuHandle): DeviceBuffer => h as unknown as DeviceBuffer;

/** The handle behind a DeviceBuffer of this backend; throws on another backend's buffer or a freed one. */
export function handleOf(b: DeviceBuffer): GpuHandle {
  const h = b as unknown as GpuHandle;
  if (!(h instanceof GpuHandle)) throw new TypeError('webgpu backend: not a buffer of this backend');
  if (h.freed) throw new Error('webgpu backend: buffer used after free()');
  return h;
}
