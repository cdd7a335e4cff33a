/**
 * Elementwise binary ops with numpy broadcasting. Comparisons yield 1 or 0 (as float32).
 * The op codes are shared with shaders/binary.wgsl.
 */
import { type Shape, broadcastShapes, broadcastStrides, sizeOf } from './broadcast.ts';

export const BINARY_OPS = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export function binaryScalar(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case 'add':
      return x + y;
    case 'sub':
      return x - y;
    case 'mul':
      return x * y;
    case 'div':
      return x / y;
    case 'pow':
      return Math.pow(x, y);
    case 'maximum':
      return x !== x || y !== y ? NaN : Math.max(x, y); // torch.maximum propagates NaN
    case 'minimum':
      return x !== x || y !== y ? NaN : Math.min(x, y);
    case 'eq':
      return x === y ? 1 : 0;
    case 'ne':
      return x !== y ? 1 : 0;
    case 'lt':
      return x < y ? 1 : 0;
    case 'le':
      return x <= y ? 1 : 0;
    case 'gt':
      return x > y ? 1 : 0;
    case 'ge':
      return x >= y ? 1 : 0;
  }
}

export interface BinaryResult {
  data: Float32Array;
  shape: number[];
}

export function binary(
  op: BinaryOp,
  a: Float32Array,
  aShape: Shape,
  b: Float32Array,
  bShape: Shape,
): BinaryResult {
  if (a.length !== sizeOf(aShape) || b.length !== sizeOf(bShape))
    throw new RangeError(`${op}: data and shape differ`);
  const shape = broadcastShapes(aShape, bShape);
  const total = sizeOf(shape);
  const data = new Float32Array(total);
  if (a.length === total && b.length === total) {
    for (let i = 0; i < total; i++) data[i] = binaryScalar(op, a[i]!, b[i]!);
    return { data, shape };
  }
  if (b.length === 1 && a.length === total) {
    const y = b[0]!;
    for (let i = 0; i < total; i++) data[i] = binaryScalar(op, a[i]!, y);
    return { data, shape };
  }
  const sa = broadcastStrides(aShape, shape);
  const sb = broadcastStrides(bShape, shape);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < total; i++) {
    data[i] = binaryScalar(op, a[ia]!, b[ib]!);
    // Odometer increment over the output index, moving both input offsets with it.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      ia += sa[d]!;
      ib += sb[d]!;
      if (index[d]! < shape[d]!) break;
      ia -= sa[d]! * shape[d]!;
      ib -= sb[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return { data, shape };
}
