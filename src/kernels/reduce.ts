/** Reductions (sum, mean, max, min) over a set of axes, with keepdim as torch. */
import { type Shape, contiguousStrides, sizeOf } from './broadcast.ts';

export const REDUCE_OPS = ['sum', 'mean', 'max', 'min'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

export interface ReduceResult {
  data: Float32Array;
  shape: number[];
}

/** Normalises negative axes, removes duplicates, sorts; an empty list means every axis (as torch.sum(x)). */
export function normalizeAxes(axes: readonly number[], rank: number): number[] {
  if (axes.length === 0) return Array.from({ length: rank }, (_, i) => i);
  const set = new Set<number>();
  for (const a of axes) {
    const ax = a < 0 ? a + rank : a;
    if (ax < 0 || ax >= rank) throw new RangeError(`dimension ${a} out of range for rank ${rank}`);
    set.add(ax);
  }
  return [...set].sort((x, y) => x - y);
}

export function reducedShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

export function reduce(
  op: ReduceOp,
  x: Float32Array,
  shape: Shape,
  axes: readonly number[],
  keepdim = false,
): ReduceResult {
  if (x.length !== sizeOf(shape)) throw new RangeError(`${op}: data and shape differ`);
  const ax = normalizeAxes(axes, shape.length);
  const outShape = reducedShape(shape, ax, keepdim);
  const keptShape = shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const outStrides = contiguousStrides(keptShape).map((s, i) => (ax.includes(i) ? 0 : s));
  const outSize = sizeOf(keptShape);
  const count = outSize === 0 ? 0 : x.length / outSize;
  const acc = new Float64Array(outSize).fill(op === 'max' ? -Infinity : op === 'min' ? Infinity : 0);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (op === 'max') acc[o] = v > acc[o]! || v !== v ? v : acc[o]!;
    else if (op === 'min') acc[o] = v < acc[o]! || v !== v ? v : acc[o]!;
    else acc[o]! += v;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      o += outStrides[d]!;
      if (index[d]! < shape[d]!) break;
      o -= outStrides[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  const data = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) data[i] = op === 'mean' ? acc[i]! / count : acc[i]!;
  return { data, shape: outShape };
}
