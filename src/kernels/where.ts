/**
 * torch.where(cond, a, b) with numpy broadcasting of all three: out = cond != 0 ? a : b. The condition is a
 * float32 0/1 tensor (comparisons give float32 here). Selecting, not blending: b's -inf or NaN never leaks
 * where cond picks a, which is why masked_fill(-inf) needs this rather than arithmetic.
 * The twin of shaders/where.wgsl (host: src/gpu/kernels/where.ts); the CPU backend's kernel.
 */
import { type Shape, broadcastShapes, broadcastStrides, sizeOf } from './broadcast.ts';

export function whereShape(cShape: Shape, aShape: Shape, bShape: Shape): number[] {
  return broadcastShapes(broadcastShapes(cShape, aShape), bShape);
}

export function where(
  cond: Float32Array,
  cShape: Shape,
  a: Float32Array,
  aShape: Shape,
  b: Float32Array,
  bShape: Shape,
): Float32Array {
  const shape = whereShape(cShape, aShape, bShape);
  const strides = [cShape, aShape, bShape].map((s) => broadcastStrides(s, shape));
  const [sc, sa, sb] = strides as [number[], number[], number[]];
  const total = sizeOf(shape);
  const out = new Float32Array(total);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let ic = 0;
    let ia = 0;
    let ib = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const coord = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
      ic += coord * sc[d]!;
      ia += coord * sa[d]!;
      ib += coord * sb[d]!;
    }
    out[i] = cond[ic] !== 0 ? a[ia]! : b[ib]!;
  }
  return out;
}
