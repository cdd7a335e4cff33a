/**
 * Fused causal attention on the WebGPU backend (the Backend interface's section of that name; the kernels are
 * shaders/attention.wgsl, hosted by src/gpu/kernels/attention.ts): the forward, which also saves the
 * probabilities P, and the backward from them. Each function is the Backend method of the same name, on a
 * Recorder.
 */
import { encodeAttention, encodeAttentionBackward } from '../../gpu/kernels/attention.ts';
import type { AttentionGeometry, DeviceBuffer } from '../backend.ts';
import { type GpuHandle, wrap } from './memory.ts';
import type { Recorder } from './recorder.ts';

export function attention(
  r: Recorder,
  q: DeviceBuffer,
  k: DeviceBuffer,
  v: DeviceBuffer,
  g: AttentionGeometry,
): { out: DeviceBuffer; probs: DeviceBuffer } {
  const out = r.mem.alloc(g.heads * g.t * g.d, 'float32'); // (heads, t, d)
  const probs = r.mem.alloc(g.heads * g.t * g.t, 'float32'); // (heads, t, t)
  encodeAttention(r.runtime, r.mem.encoder(), {
    q: r.f32(q),
    k: r.f32(k),
    v: r.f32(v),
    out: out.buffer,
    probs: probs.buffer,
    g,
  });
  return { out: wrap(out), probs: wrap(probs) };
}

export function attentionBackward(
  r: Recorder,
  q: DeviceBuffer,
  k: DeviceBuffer,
  v: DeviceBuffer,
  probs: DeviceBuffer,
  out: DeviceBuffer,
  dOut: DeviceBuffer,
  g: AttentionGeometry,
): { dq: DeviceBuffer; dk: DeviceBuffer; dv: DeviceBuffer } {
  const numel = g.heads * g.t * g.d; // each of dq, dk, dv is (heads, t, d)
  const [dq, dk, dv] = [0, 1, 2].map(() => r.mem.alloc(numel, 'float32')) as [
    GpuHandle,
    GpuHandle,
    GpuHandle,
  ];
  encodeAttentionBackward(r.runtime, r.mem.encoder(), {
    q: r.f32(q),
    k: r.f32(k),
    v: r.f32(v),
    probs: r.f32(probs),
    out: r.f32(out),
    dOut: r.f32(dOut),
    dq: dq.buffer,
    dk: dk.buffer,
    dv: dv.buffer,
    g,
  });
  return { dq: wrap(dq), dk: wrap(dk), dv: wrap(dv) };
}
