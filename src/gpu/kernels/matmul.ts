/**
 * Host side of shaders/matmul.wgsl: out = act(op(A) @ op(B) + bias), batched.
 * The kernel reads A as (m, k4) and B as (k4 * 4, n4) rows of vec4s. Operands already in that layout
 * (untransposed, k and n multiples of 4) are bound as they are; others are first copied into it by the pack
 * kernel, in the same command buffer, into pooled temporaries released when the step is submitted.
 */
import { ACTIVATION_CODE, type Activation } from '../../kernels/activation.ts';
import { type MatmulShape, matmulBatchStrides } from '../../kernels/matmul.ts';
import type { StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';
import { encodePack } from './pack.ts';

export const MatmulParams = defineParams('MatmulParams', {
  m: 'u32',
  n: 'u32',
  k4: 'u32',
  n4: 'u32',
  strideA: 'u32',
  strideB: 'u32',
});

const BLOCK = 8; // each invocation computes a BLOCK x BLOCK output tile
const WG_INVOCATIONS = 64;

/** A 64-invocation workgroup no taller than m needs: conv2d's few-row products (m = cOut) would otherwise
 * leave most invocations of an 8 x 8 workgroup idle, which SwiftShader still pays for. */
function workgroupShape(m: number): { x: number; y: number } {
  let y = 1;
  while (y < 8 && y * BLOCK < m) y *= 2;
  return { x: WG_INVOCATIONS / y, y };
}

export interface MatmulGpuArgs extends MatmulShape {
  a: GPUBuffer;
  b: GPUBuffer;
  out: GPUBuffer;
  /** Element counts of A and B, to tell a batched operand from one shared by every batch. */
  aLength: number;
  bLength: number;
  bias?: GPUBuffer;
  /** The bias has m entries, one per output row, rather than n. */
  biasPerRow?: boolean;
  activation?: Activation;
  /** B is already stored (batchB, k, n) rounded up to multiples of 4, zero-padded (as shaders/im2col.wgsl
   * writes it): bound as it is. bLength still counts the unpadded elements. */
  bPadded?: boolean;
}

const roundUp4 = (x: number): number => Math.ceil(x / 4) * 4;

export function encodeMatmul(runtime: GpuRuntime, step: StepEncoder, args: MatmulGpuArgs): void {
  const { batch, m, n, k } = args;
  const transA = args.transA ?? false;
  const transB = args.transB ?? false;
  const { strideA, strideB } = matmulBatchStrides(args, args.aLength, args.bLength);
  const kP = roundUp4(k);
  const nP = roundUp4(n);

  // op(A) as (batchA, m, kP): used in place when already so.
  let a = args.a;
  if (transA || k !== kP) {
    a = runtime.buffers.acquire(4 * (strideA ? batch : 1) * m * kP);
    step.releaseOnSubmit(a);
    encodePack(runtime, step, {
      src: args.a,
      dst: a,
      batch: strideA ? batch : 1,
      rows: m,
      cols: k,
      rowsPadded: m,
      colsPadded: kP,
      srcBatch: strideA,
      srcRow: transA ? 1 : k,
      srcCol: transA ? m : 1,
    });
  }
  // op(B) as (batchB, kP, nP).
  let b = args.b;
  if (!args.bPadded && (transB || k !== kP || n !== nP)) {
    b = runtime.buffers.acquire(4 * (strideB ? batch : 1) * kP * nP);
    step.releaseOnSubmit(b);
    encodePack(runtime, step, {
      src: args.b,
      dst: b,
      batch: strideB ? batch : 1,
      rows: k,
      cols: n,
      rowsPadded: kP,
      colsPadded: nP,
      srcBatch: strideB,
      srcRow: transB ? 1 : n,
      srcCol: transB ? k : 1,
    });
  }

  if (args.bPadded && transB) throw new RangeError('matmul: a padded B cannot be transposed');
  const wg = workgroupShape(m);
  const pipeline = runtime.pipeline('matmul', 'main', {
    WG_X: wg.x,
    WG_Y: wg.y,
    HAS_BIAS: args.bias ? 1 : 0,
    BIAS_PER_ROW: args.biasPerRow ? 1 : 0,
    ACTIVATION: ACTIVATION_CODE[args.activation ?? 'none'],
  });
  step.dispatch({
    pipeline,
    // Without a bias the binding still exists (HAS_BIAS is an override): bind A there, never read.
    buffers: [a, b, args.bias ?? args.a, args.out],
    params: MatmulParams.pack({
      m,
      n,
      k4: kP / 4,
      n4: nP / 4,
      strideA: strideA ? (m * kP) / 4 : 0,
      strideB: strideB ? (kP * nP) / 4 : 0,
    }),
    workgroups: [Math.ceil(n / BLOCK / wg.x), Math.ceil(m / BLOCK / wg.y), batch],
    label: 'matmul',
  });
}
