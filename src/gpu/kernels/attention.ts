/**
 * Host side of shaders/attention.wgsl and shaders/attention_backward.wgsl: fused causal attention over
 * (heads, T, D), forward (out and the probabilities P it saves) and backward (dS and dq by query rows, then
 * dk and dv by key rows). Each invocation takes a block of rows: FORWARD_BLOCK, BACKWARD_BLOCK.
 * Twin: src/kernels/attention.ts.
 */
import { type AttentionGeometry, attentionKernelFits } from '../../kernels/attention.ts';
import { grid1d, type StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const AttentionParams = defineParams('AttentionParams', {
  rows: 'u32',
  t: 'u32',
  d4: 'u32',
  scale: 'f32',
});

const WG = 64;
/** Rows per invocation (query rows, or key rows in attention_backward_dkv): the shaders' row blocks. */
const FORWARD_BLOCK = 4;
const BACKWARD_BLOCK = 8;

/** One invocation per block of `block` rows of each head. */
function blockGrid(g: AttentionGeometry, block: number): [number, number] {
  return grid1d(g.heads * Math.ceil(g.t / block), WG);
}

function paramsOf(g: AttentionGeometry): ArrayBuffer {
  if (!attentionKernelFits(g.d))
    throw new RangeError(`attention kernel: head size ${g.d} is not a multiple of 4`);
  return AttentionParams.pack({ rows: g.heads * g.t, t: g.t, d4: g.d / 4, scale: g.scale });
}

/** out (heads, t, d) and P (heads, t, t), zero above the diagonal. */
export function encodeAttention(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer; out: GPUBuffer; probs: GPUBuffer; g: AttentionGeometry },
): void {
  const { g } = args;
  step.dispatch({
    pipeline: runtime.pipeline('attention', 'attention_forward', { WG }),
    buffers: [args.q, args.k, args.v, args.out, args.probs],
    params: paramsOf(g),
    workgroups: blockGrid(g, FORWARD_BLOCK),
    label: 'attention_forward',
  });
}

/** dq, dk, dv (each (heads, t, d)) from dOut and the forward's q, k, v, P and out; dS is a step temporary. */
export function encodeAttentionBackward(
  runtime: GpuRuntime,
  step: StepEncoder,
  args: {
    q: GPUBuffer;
    k: GPUBuffer;
    v: GPUBuffer;
    probs: GPUBuffer;
    out: GPUBuffer;
    dOut: GPUBuffer;
    dq: GPUBuffer;
    dk: GPUBuffer;
    dv: GPUBuffer;
    g: AttentionGeometry;
  },
): void {
  const { g } = args;
  const params = paramsOf(g);
  const workgroups = blockGrid(g, BACKWARD_BLOCK);
  const dScores = runtime.buffers.acquire(4 * g.heads * g.t * g.t); // dS (heads, t, t)
  step.releaseOnSubmit(dScores);
  step.dispatch({
    pipeline: runtime.pipeline('attention_backward', 'attention_backward_dq', { WG }),
    buffers: [args.k, args.v, args.probs, args.out, args.dOut, args.dq, dScores],
    params,
    workgroups,
    label: 'attention_backward_dq',
  });
  step.dispatch({
    pipeline: runtime.pipeline('attention_backward', 'attention_backward_dkv', { WG }),
    buffers: [args.q, args.probs, dScores, args.dOut, args.dk, args.dv],
    params,
    workgroups,
    label: 'attention_backward_dkv',
  });
}
