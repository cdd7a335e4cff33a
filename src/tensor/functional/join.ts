/** pad, cat and where (torch names): composed from the op table's pad and where primitives. */
import { ops } from '../ops.ts';
import { normalizeDim } from '../shape.ts';
import { type Tensor, apply } from '../tensor.ts';

/**
 * F.pad(x, pad) with mode 'constant' and value 0: `pad` lists (before, after) pairs from the LAST dim
 * backwards, as torch; negative amounts crop.
 */
export function pad(x: Tensor, amounts: readonly number[], value = 0): Tensor {
  if (value !== 0) throw new RangeError('pad: only value=0 is supported');
  if (amounts.length % 2 !== 0 || amounts.length / 2 > x.ndim)
    throw new RangeError(`Padding length must be divisible by 2 and at most 2 * ${x.ndim}`);
  const before = x.shape.map(() => 0);
  const after = x.shape.map(() => 0);
  for (let i = 0; i < amounts.length / 2; i++) {
    before[x.ndim - 1 - i] = amounts[2 * i] as number;
    after[x.ndim - 1 - i] = amounts[2 * i + 1] as number;
  }
  return apply(ops.pad, [x], { before, after });
}

/**
 * torch.cat along dim: each tensor zero-padded to the output's extent at its own offset, then summed
 * (teenygrad's cat). The backward needs nothing of its own: pad's is the crop back to each piece.
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  const first = tensors[0];
  if (first === undefined) throw new RangeError('torch.cat(): expected a non-empty list of Tensors');
  const d = normalizeDim(dim, first.ndim);
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((s, i) => i !== d && s !== first.shape[i]))
      throw new RangeError(
        `Sizes of tensors must match except in dimension ${d}: [${first.shape.join(', ')}] and [${t.shape.join(', ')}]`,
      );
  }
  const total = tensors.reduce((a, t) => a + (t.shape[d] as number), 0);
  let offset = 0;
  let out: Tensor | null = null;
  for (const t of tensors) {
    const size = t.shape[d] as number;
    const before = t.shape.map((_, i) => (i === d ? offset : 0));
    const after = t.shape.map((_, i) => (i === d ? total - offset - size : 0));
    const placed = apply(ops.pad, [t], { before, after }); // (..., total, ...)
    out = out === null ? placed : out.add(placed);
    offset += size;
  }
  return out as Tensor;
}

/** torch.where(cond, a, b): cond != 0 ? a : b, all three broadcast; cond (float32 0/1) gets no gradient. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  return apply(ops.where, [cond, a, b], null);
}
