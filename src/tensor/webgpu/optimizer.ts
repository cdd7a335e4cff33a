/**
 * Optimizer updates on the WebGPU backend (the Backend interface's "Optimizer updates" section): one SGD or
 * Adam / AdamW step, in place on the parameter and its state buffers, so a training step stays on the device.
 * Each function is the Backend method of the same name, on a Recorder.
 */
import { encodeAdamUpdate, encodeSgd } from '../../gpu/kernels/optimizer.ts';
import type { AdamHyper, DeviceBuffer, SgdHyper } from '../backend.ts';
import type { Recorder } from './recorder.ts';

export function sgdStep(
  r: Recorder,
  param: DeviceBuffer,
  grad: DeviceBuffer,
  momentumBuffer: DeviceBuffer | null,
  numel: number,
  h: SgdHyper,
): void {
  encodeSgd(r.runtime, r.mem.encoder(), {
    grad: r.f32(grad),
    param: r.f32(param),
    momentumBuffer: momentumBuffer === null ? null : r.f32(momentumBuffer),
    n: numel,
    options: h,
  });
}

export function adamStep(
  r: Recorder,
  param: DeviceBuffer,
  grad: DeviceBuffer,
  expAvg: DeviceBuffer,
  expAvgSq: DeviceBuffer,
  maxExpAvgSq: DeviceBuffer | null,
  numel: number,
  h: AdamHyper,
): void {
  encodeAdamUpdate(r.runtime, r.mem.encoder(), {
    grad: r.f32(grad),
    param: r.f32(param),
    expAvg: r.f32(expAvg),
    expAvgSq: r.f32(expAvgSq),
    maxExpAvgSq: maxExpAvgSq === null ? null : r.f32(maxExpAvgSq),
    n: numel,
    options: { ...h, amsgrad: maxExpAvgSq !== null },
    scalars: { stepSize: h.stepSize, biasCorrection2Sqrt: h.biasCorrection2Sqrt },
  });
}
