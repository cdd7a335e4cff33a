/**
 * Indexing and randomness on the WebGPU backend (the Backend interface's section of that name): embedding
 * lookup and its scatter-add backward, one-hot targets, and dropout masks (Philox bits, the same as the CPU
 * backend's). Each function is the Backend method of the same name, on a Recorder.
 */
import { encodeDropoutMask } from '../../gpu/kernels/dropout.ts';
import { encodeEmbedding, encodeEmbeddingBackward, encodeOneHot } from '../../gpu/kernels/embedding.ts';
import type { DeviceBuffer } from '../backend.ts';
import { philoxKey } from '../random.ts';
import { handleOf, wrap } from './memory.ts';
import type { Recorder } from './recorder.ts';

export function embedding(
  r: Recorder,
  weight: DeviceBuffer,
  indices: DeviceBuffer,
  count: number,
  dim: number,
): DeviceBuffer {
  const w = handleOf(weight);
  const out = r.mem.alloc(count * dim, 'float32');
  encodeEmbedding(r.runtime, r.mem.encoder(), {
    weight: w.buffer,
    indices: r.i32(indices),
    out: out.buffer,
    n: count,
    numEmbeddings: w.numel / dim,
    dim,
  });
  return wrap(out);
}

export function embeddingBackward(
  r: Recorder,
  dy: DeviceBuffer,
  indices: DeviceBuffer,
  count: number,
  rows: number,
  dim: number,
  paddingIdx: number | null,
): DeviceBuffer {
  const dw = r.mem.alloc(rows * dim, 'float32');
  encodeEmbeddingBackward(r.runtime, r.mem.encoder(), {
    dy: r.f32(dy),
    indices: r.i32(indices),
    dweight: dw.buffer,
    n: count,
    numEmbeddings: rows,
    dim,
    paddingIdx: paddingIdx !== null && paddingIdx >= 0 && paddingIdx < rows ? paddingIdx : null,
  });
  return wrap(dw);
}

export function oneHot(
  r: Recorder,
  targets: DeviceBuffer,
  count: number,
  classes: number,
  ignoreIndex: number,
): DeviceBuffer {
  const out = r.mem.alloc(count * classes, 'float32');
  encodeOneHot(r.runtime, r.mem.encoder(), {
    targets: r.i32(targets),
    out: out.buffer,
    n: count,
    classes,
    ignoreIndex,
  });
  return wrap(out);
}

export function dropoutMask(
  r: Recorder,
  numel: number,
  p: number,
  seed: number,
  offset: number,
): DeviceBuffer {
  const mask = r.mem.alloc(numel, 'float32');
  encodeDropoutMask(r.runtime, r.mem.encoder(), {
    mask: mask.buffer,
    n: numel,
    options: { p, seed: philoxKey(seed), offset },
  });
  return wrap(mask);
}
