/**
 * What every entry of the op table is (OpDef) and the helpers their forwards and backwards share. The table
 * itself is ops.ts; its larger families live beside it (ops-select.ts, ops-matmul.ts).
 */
import type { Backend, DType, DeviceBuffer, Shape } from './backend.ts';
import { broadcastAxes } from './shape.ts';

export interface Operand {
  readonly buf: DeviceBuffer;
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface OpContext<A, S> {
  readonly inputs: readonly Operand[];
  readonly out: Operand;
  readonly attrs: A;
  readonly saved: S;
  /** needs[i]: input i requires a gradient; backward may return null for the others. */
  readonly needs: readonly boolean[];
}

export interface OpDef<A = unknown, S = unknown> {
  readonly name: string;
  forward(be: Backend, inputs: readonly Operand[], attrs: A): { out: Operand; saved: S };
  backward(be: Backend, dy: DeviceBuffer, ctx: OpContext<A, S>): (DeviceBuffer | null)[];
}

export const f32 = (buf: DeviceBuffer, shape: Shape): Operand => ({ buf, shape, dtype: 'float32' });
export const arg = (inputs: readonly Operand[], i: number): Operand => {
  const x = inputs[i];
  if (x === undefined) throw new RangeError(`missing input ${i}`);
  return x;
};

/** dy of `outShape` summed over the dims a `shape` input was broadcast along: a buffer of `shape`. */
export function sumTo(be: Backend, dy: DeviceBuffer, outShape: Shape, shape: Shape): DeviceBuffer {
  const axes = broadcastAxes(shape, outShape);
  return axes.length === 0 ? dy : be.reduce('sum', dy, outShape, axes);
}
