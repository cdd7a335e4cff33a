/** Uploads and readbacks. Readback is the only place that waits on the GPU. */
import type { GpuRuntime } from './runtime.ts';

/** A pooled storage buffer holding a copy of data. */
export function upload(runtime: GpuRuntime, data: Float32Array | Int32Array | Uint32Array): GPUBuffer {
  const buffer = runtime.buffers.acquire(Math.max(4, data.byteLength));
  if (data.byteLength > 0)
    runtime.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

/** Copies byteLength bytes from buffer (at offset) into a new ArrayBuffer. */
export async function readBytes(
  device: GPUDevice,
  buffer: GPUBuffer,
  byteLength: number,
  offset = 0,
): Promise<ArrayBuffer> {
  const size = Math.ceil(byteLength / 4) * 4;
  const staging = device.createBuffer({ size: Math.max(4, size), usage: 0x1 | 0x8, label: 'readback' }); // MAP_READ | COPY_DST
  try {
    const encoder = device.createCommandEncoder({ label: 'readback' });
    if (size > 0) encoder.copyBufferToBuffer(buffer, offset, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(0x1); // GPUMapMode.READ
    return staging.getMappedRange(0, size).slice(0, byteLength);
  } finally {
    staging.destroy();
  }
}

export async function readFloat32(
  device: GPUDevice,
  buffer: GPUBuffer,
  length: number,
  offset = 0,
): Promise<Float32Array> {
  return new Float32Array(await readBytes(device, buffer, length * 4, offset));
}

export async function readInt32(
  device: GPUDevice,
  buffer: GPUBuffer,
  length: number,
  offset = 0,
): Promise<Int32Array> {
  return new Int32Array(await readBytes(device, buffer, length * 4, offset));
}
