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
  /** Set when the elements are a permutation not copied yet (permute, transpose): see ViewOperand. */
  readonly view?: PermutedView;
}

/** The elements of `base` (C order in `baseShape`) read through `perm`: out dim i is base dim perm[i]. */
export interface PermutedView {
  readonly base: DeviceBuffer;
  readonly baseShape: Shape;
  readonly perm: readonly number[];
}

/**
 * torch's permute and transpose make strided views, not copies. Here memory is always contiguous, so a view
 * is a promise of one: an op that reads `buf` gets the permuted copy (made on first read, then kept), and an
 * op that can read the permutation in place (matmul, for a swap of the last two dims) reads `view.base`
 * and no copy is ever made.
 */
export class ViewOperand implements Operand {
  private copy: DeviceBuffer | undefined;

  constructor(
    private readonly be: Backend,
    readonly view: PermutedView,
    readonly shape: Shape,
    readonly dtype: DType,
  ) {}

  get buf(): DeviceBuffer {
    this.copy ??= this.be.permute(this.view.base, this.view.baseShape, this.view.perm);
    return this.copy;
  }
}

/** x permuted by `perm` as a view (a permutation of a view composes with it; the identity is x's memory). */
export function permutedView(be: Backend, x: Operand, perm: readonly number[]): Operand {
  const shape = perm.map((p) => x.shape[p] as number);
  const inner = x.view;
  const view: PermutedView =
    inner === undefined
      ? { base: x.buf, baseShape: x.shape, perm }
      : { base: inner.base, baseShape: inner.baseShape, perm: perm.map((p) => inner.perm[p] as number) };
  if (view.perm.every((p, i) => p === i)) return { buf: view.base, shape, dtype: x.dtype };
  return new ViewOperand(be, view, shape, x.dtype);
}

/** Whether a view only swaps the last two dims: what a matmul kernel reads in place as its transpose flag. */
export function swapsLastTwo(view: PermutedView | undefined): view is PermutedView {
  if (view === undefined) return false;
  const n = view.perm.length;
  return n >= 2 && view.perm.every((p, i) => (i < n - 2 ? p === i : p === (i === n - 2 ? n - 1 : n - 2)));
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
