/**
 * What every kernel family of the WebGPU backend records with: the runtime (device, pipelines, pools), the
 * GpuMemory whose open step the kernels record into (memory.ts), and the dtype checks on the buffers a kernel
 * reads. The family modules (elementwise.ts, movement.ts, ...) take one Recorder, so they share the backend's
 * one open step without reaching into WebGpuBackend; the backend owns the Recorder and delegates to them.
 */
import type { GpuRuntime } from '../../gpu/runtime.ts';
import type { DeviceBuffer } from '../backend.ts';
import type { GpuMemory } from './memory.ts';
import { handleOf } from './memory.ts';

export class Recorder {
  constructor(
    readonly runtime: GpuRuntime,
    readonly mem: GpuMemory,
  ) {}

  /** The GPUBuffer behind a float32 DeviceBuffer; throws on any other dtype. */
  f32(b: DeviceBuffer): GPUBuffer {
    const h = handleOf(b);
    if (h.dtype !== 'float32') throw new TypeError('webgpu backend: expected a float32 buffer');
    return h.buffer;
  }

  /** The GPUBuffer behind an 'int64' DeviceBuffer (int32 on the device); throws on any other dtype. */
  i32(b: DeviceBuffer): GPUBuffer {
    const h = handleOf(b);
    if (h.dtype !== 'int64') throw new TypeError('webgpu backend: expected an int64 (int32-backed) buffer');
    return h.buffer;
  }
}
