/**
 * Size-bucketed reuse of storage buffers. Sizes round up to a power of two (at least 256 bytes); a released
 * buffer waits in its bucket for the next acquire of that bucket. Releasing is safe as soon as the commands
 * that use the buffer are submitted: later queue writes and submits run after them.
 */

export const STORAGE_USAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST (GPUBufferUsage may be absent at load)

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly owned = new Set<GPUBuffer>();
  private allocatedBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags = STORAGE_USAGE,
    private readonly label = 'pool',
  ) {}

  static bucketSize(byteLength: number): number {
    return Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(byteLength, 1))));
  }

  /** A buffer of at least byteLength bytes (contents undefined). */
  acquire(byteLength: number): GPUBuffer {
    const size = BufferPool.bucketSize(byteLength);
    const reused = this.free.get(size)?.pop();
    if (reused) return reused;
    const buffer = this.device.createBuffer({ size, usage: this.usage, label: `${this.label}:${size}` });
    this.owned.add(buffer);
    this.allocatedBytes += size;
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (!this.owned.has(buffer))
      throw new Error(`BufferPool: ${buffer.label} was not acquired from this pool`);
    const list = this.free.get(buffer.size) ?? [];
    if (list.includes(buffer)) throw new Error(`BufferPool: ${buffer.label} released twice`);
    list.push(buffer);
    this.free.set(buffer.size, list);
  }

  get bytesAllocated(): number {
    return this.allocatedBytes;
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.clear();
    this.free.clear();
    this.allocatedBytes = 0;
  }
}
