/**
 * NCHW conv2d (groups = 1) forward, grad-input and grad-weight, as im2col (shaders/im2col.wgsl) followed by
 * the register-blocked matmul (shaders/matmul.wgsl), per batch element b (K = cIn*kH*kW, P = hOut*wOut):
 *   y[b] (cOut, P)        = W (cOut, K) @ cols[b] (K, P) + bias        (bias per row)
 *   dcols[b] (K, P)       = W^T (K, cOut) @ dy[b] (cOut, P), then dx = col2im(dcols)
 *   dW (cOut, K)          = sum_b dy[b] (cOut, P) @ rows[b] (P, K)     (rows[b] = cols[b]^T)
 * Grad-bias is a reduce over n, h, w (encodeReduce). The unfolded temporaries are pooled and released when
 * the step is submitted. Twins: src/kernels/conv2d.ts (the composition) and src/kernels/im2col.ts.
 */
import type { Conv2dShape } from '../../kernels/conv2d.ts';
import { im2colSizes } from '../../kernels/im2col.ts';
import type { StepEncoder } from '../dispatch.ts';
import type { GpuRuntime } from '../runtime.ts';
import { encodeCol2im, encodeUnfoldCols, encodeUnfoldRows } from './im2col.ts';
import { encodeMatmul } from './matmul.ts';
import { encodeReduce } from './reduce.ts';

function temporary(runtime: GpuRuntime, step: StepEncoder, numel: number): GPUBuffer {
  const buffer = runtime.buffers.acquire(4 * Math.max(1, numel));
  step.releaseOnSubmit(buffer);
  return buffer;
}

export function encodeConv2d(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { x: GPUBuffer; weight: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer; shape: Conv2dShape },
): void {
  const s = a.shape;
  const { K, kP, P, pP } = im2colSizes(s);
  const cols = temporary(runtime, step, s.n * kP * pP); // (n, kP, pP)
  encodeUnfoldCols(runtime, step, { x: a.x, cols, shape: s });
  encodeMatmul(runtime, step, {
    batch: s.n,
    m: s.cOut,
    k: K,
    n: P,
    a: a.weight, // (cOut, K), shared by every batch
    b: cols,
    bPadded: true,
    out: a.y, // (n, cOut, P)
    aLength: s.cOut * K,
    bLength: s.n * K * P,
    ...(a.bias ? { bias: a.bias, biasPerRow: true } : {}),
  });
}

export function encodeConv2dBackwardInput(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { dy: GPUBuffer; weight: GPUBuffer; dx: GPUBuffer; shape: Conv2dShape },
): void {
  const s = a.shape;
  const { K, P } = im2colSizes(s);
  const dcols = temporary(runtime, step, s.n * K * P); // (n, K, P)
  encodeMatmul(runtime, step, {
    batch: s.n,
    m: K,
    k: s.cOut,
    n: P,
    transA: true, // W stored (cOut, K)
    a: a.weight,
    b: a.dy, // (n, cOut, P)
    out: dcols,
    aLength: s.cOut * K,
    bLength: s.n * s.cOut * P,
  });
  encodeCol2im(runtime, step, { dcols, dx: a.dx, shape: s });
}

export function encodeConv2dBackwardWeight(
  runtime: GpuRuntime,
  step: StepEncoder,
  a: { x: GPUBuffer; dy: GPUBuffer; dweight: GPUBuffer; shape: Conv2dShape },
): void {
  const s = a.shape;
  const { K, kP, P, pP } = im2colSizes(s);
  const rows = temporary(runtime, step, s.n * pP * kP); // (n, pP, kP)
  encodeUnfoldRows(runtime, step, { x: a.x, rows, shape: s });
  // One product per batch element (more parallel work than one long k = n*P), then a sum over the batch.
  const perBatch = s.n === 1 ? a.dweight : temporary(runtime, step, s.n * s.cOut * K); // (n, cOut, K)
  encodeMatmul(runtime, step, {
    batch: s.n,
    m: s.cOut,
    k: P,
    n: K,
    a: a.dy, // (n, cOut, P)
    b: rows,
    bPadded: true,
    out: perBatch,
    aLength: s.n * s.cOut * P,
    bLength: s.n * P * K,
  });
  if (s.n > 1) {
    encodeReduce(runtime, step, {
      op: 'sum',
      x: perBatch,
      shape: [s.n, s.cOut * K],
      axes: [0],
      out: a.dweight,
    });
  }
}
