/**
 * Batched matrix multiply with an optional bias + activation epilogue:
 *   out[b] = act(op(A[b]) @ op(B[b]) + bias)        // (batch, m, n)
 * op(A) is (m, k): A is stored (m, k), or (k, m) when transA.
 * op(B) is (k, n): B is stored (k, n), or (n, k) when transB (a Linear weight (out, in)).
 * A or B may hold a single matrix shared by every batch (broadcast over the batch).
 * bias has n entries, added to every row (as nn.Linear).
 */
import { type Activation, applyActivation } from './activation.ts';

export interface MatmulShape {
  batch: number;
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
}

export interface MatmulOptions extends MatmulShape {
  bias?: Float32Array;
  activation?: Activation;
  out?: Float32Array;
}

/** Elements per batch of A and B, and whether each is broadcast over the batch. */
export function matmulBatchStrides(
  shape: MatmulShape,
  aLength: number,
  bLength: number,
): { strideA: number; strideB: number } {
  const { batch, m, k, n } = shape;
  const strideA = aLength === batch * m * k ? m * k : aLength === m * k ? 0 : -1;
  const strideB = bLength === batch * k * n ? k * n : bLength === k * n ? 0 : -1;
  if (strideA < 0) throw new RangeError(`matmul: A has ${aLength} elements, expected ${batch}x${m}x${k}`);
  if (strideB < 0) throw new RangeError(`matmul: B has ${bLength} elements, expected ${batch}x${k}x${n}`);
  return { strideA, strideB };
}

export function matmul(a: Float32Array, b: Float32Array, opts: MatmulOptions): Float32Array {
  const { batch, m, k, n } = opts;
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const { strideA, strideB } = matmulBatchStrides(opts, a.length, b.length);
  if (opts.bias && opts.bias.length !== n)
    throw new RangeError(`matmul: bias has ${opts.bias.length}, expected ${n}`);
  const out = opts.out ?? new Float32Array(batch * m * n);
  if (out.length !== batch * m * n) throw new RangeError('matmul: out has the wrong size');
  const acc = new Float64Array(n); // one output row, accumulated in double then rounded once
  for (let bi = 0; bi < batch; bi++) {
    const a0 = bi * strideA;
    const b0 = bi * strideB;
    const o0 = bi * m * n;
    for (let i = 0; i < m; i++) {
      if (transB) {
        // B is (n, k): every output is a dot product of two contiguous rows.
        for (let j = 0; j < n; j++) {
          let s = 0;
          const bRow = b0 + j * k;
          if (transA) for (let p = 0; p < k; p++) s += a[a0 + p * m + i]! * b[bRow + p]!;
          else for (let p = 0, aRow = a0 + i * k; p < k; p++) s += a[aRow + p]! * b[bRow + p]!;
          acc[j] = s;
        }
      } else {
        // B is (k, n): i-p-j order walks B's rows contiguously.
        acc.fill(0);
        for (let p = 0; p < k; p++) {
          const aip = transA ? a[a0 + p * m + i]! : a[a0 + i * k + p]!;
          if (aip === 0) continue;
          const bRow = b0 + p * n;
          for (let j = 0; j < n; j++) acc[j]! += aip * b[bRow + j]!;
        }
      }
      writeRow(out, o0 + i * n, acc, opts.bias, opts.activation ?? 'none');
    }
  }
  return out;
}

function writeRow(
  out: Float32Array,
  offset: number,
  acc: Float64Array,
  bias: Float32Array | undefined,
  act: Activation,
): void {
  const n = acc.length;
  for (let j = 0; j < n; j++) {
    const v = Math.fround(acc[j]!) + (bias ? bias[j]! : 0);
    out[offset + j] = act === 'none' ? v : applyActivation(act, Math.fround(v));
  }
}
