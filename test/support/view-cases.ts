/**
 * Transposed views into matmul, run on any backend with its permute kernel counted: the in-place read
 * (no copy) and the copied path must give the same values and gradients. Shared by the CPU unit test and
 * the WebGPU test.
 */
import type { Backend } from '../../src/tensor/backend.ts';
import { type Tensor, fromHost } from '../../src/tensor/index.ts';

/** Counts `be.permute` calls (the copy a view costs) from now on. */
export function countPermutes(be: Backend): { readonly count: number } {
  const original = be.permute.bind(be);
  const counter = { count: 0 };
  be.permute = (...args) => {
    counter.count++;
    return original(...args);
  };
  return counter;
}

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

export interface ViewRun {
  /** Permute kernels run by the forward. */
  forwardCopies: number;
  out: Float32Array;
  gradA: Float32Array;
  gradB: Float32Array;
}

/** q (B, T, D) @ k(B, S, D).transpose(-2, -1), as a view (`copy` false) or made contiguous first. */
export async function attentionScores(be: Backend, copy: boolean): Promise<ViewRun> {
  const counter = countPermutes(be);
  const [b, t, s, d] = [2, 5, 7, 8];
  const q = fromHost(seeded(b * t * d, 1), [b, t, d], { backend: be, requiresGrad: true });
  const k = fromHost(seeded(b * s * d, 2), [b, s, d], { backend: be, requiresGrad: true });
  const before = counter.count;
  const kt: Tensor = copy ? k.transpose(-2, -1).contiguous() : k.transpose(-2, -1);
  const out = q.matmul(kt); // (B, T, S)
  const forwardCopies = counter.count - before;
  const upstream = fromHost(seeded(b * t * s, 3), [b, t, s], { backend: be });
  out.mul(upstream).sum().backward();
  const read = async (x: Tensor | null) => (await (x as Tensor).data()) as Float32Array;
  return { forwardCopies, out: await read(out), gradA: await read(q.grad), gradB: await read(k.grad) };
}
