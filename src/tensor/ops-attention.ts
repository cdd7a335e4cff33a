/** The fused causal attention op of ops.ts's table (kept apart: one idea, and ops.ts stays small). */
import type { DeviceBuffer, Shape } from './backend.ts';
import { type OpDef, arg, f32 } from './op-def.ts';
import { sameShape, sizeOf } from './shape.ts';

/**
 * torch's F.scaled_dot_product_attention(q, k, v, is_causal=True), without dropout, as ONE op: q, k, v
 * (..., T, D) -> (..., T, D). A fused kernel, not a primitive: test/gpu/attention.test.ts proves it equals
 * functional/attention.ts's composite of matmul, where, softmax and matmul, values and gradients. It saves
 * the probabilities P (..., T, T) for the backward (src/kernels/attention.ts says why not the log-sum-exp).
 */
export const attention: OpDef<{ scale: number }, DeviceBuffer> = {
  name: 'attention',
  forward: (be, inputs, { scale }) => {
    const [q, k, v] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
    const g = attentionGeometry(q.shape, k.shape, v.shape, scale);
    const { out, probs } = be.attention(q.buf, k.buf, v.buf, g);
    return { out: f32(out, q.shape), saved: probs }; // (..., T, D)
  },
  backward: (be, dy, { inputs, out, attrs, saved, needs }) => {
    const [q, k, v] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
    const g = attentionGeometry(q.shape, k.shape, v.shape, attrs.scale);
    const { dq, dk, dv } = be.attentionBackward(q.buf, k.buf, v.buf, saved, out.buf, dy, g);
    return [needs[0] ? dq : null, needs[1] ? dk : null, needs[2] ? dv : null];
  },
};

/** (heads, t, d) of q, k, v (..., T, D), all three of one shape (self-attention without a kv cache). */
function attentionGeometry(q: Shape, k: Shape, v: Shape, scale: number) {
  if (q.length < 2 || !sameShape(q, k) || !sameShape(q, v)) {
    throw new RangeError(
      `attention: q, k, v must share one shape (..., T, D), got [${q.join(', ')}], [${k.join(', ')}], [${v.join(', ')}]`,
    );
  }
  const [t, d] = q.slice(-2) as [number, number];
  return { heads: sizeOf(q) / (t * d), t, d, scale };
}
