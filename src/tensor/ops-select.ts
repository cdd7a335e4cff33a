/** The op table's selection primitives: pad (negative amounts crop, so narrow too) and where. */
import { broadcastShapes } from './shape.ts';
import { type OpDef, arg, f32, sumTo } from './op-def.ts';

/**
 * Zero padding by before[d] / after[d] along each dim; negative amounts crop, so narrow is pad too. The
 * backward of pad(x, before, after) is pad(dy, -before, -after): the crop of dy back to x's window.
 */
const pad: OpDef<{ before: readonly number[]; after: readonly number[] }> = {
  name: 'pad',
  forward: (be, inputs, { before, after }) => {
    const x = arg(inputs, 0);
    const shape = x.shape.map((d, i) => d + (before[i] as number) + (after[i] as number));
    return { out: { buf: be.pad(x.buf, x.shape, before, after), shape, dtype: x.dtype }, saved: null };
  },
  backward: (be, dy, { out, attrs }) => [
    be.pad(
      dy,
      out.shape,
      attrs.before.map((v) => -v),
      attrs.after.map((v) => -v),
    ),
  ],
};

/**
 * where(cond, a, b): cond != 0 ? a : b, all three broadcast (cond: float32 0/1, no gradient). Each branch's
 * gradient is dy where it was chosen and 0 elsewhere, summed back to its own shape.
 */
const where: OpDef = {
  name: 'where',
  forward: (be, inputs) => {
    const [c, a, b] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
    const shape = broadcastShapes(broadcastShapes(c.shape, a.shape), b.shape);
    return { out: f32(be.where(c.buf, c.shape, a.buf, a.shape, b.buf, b.shape), shape), saved: null };
  },
  backward: (be, dy, { inputs, out, needs }) => {
    const [c, a, b] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
    const zero = be.full(1, 0, 'float32');
    const da = needs[1] ? be.where(c.buf, c.shape, dy, out.shape, zero, []) : null;
    const db = needs[2] ? be.where(c.buf, c.shape, zero, [], dy, out.shape) : null;
    return [
      null,
      da === null ? null : sumTo(be, da, out.shape, a.shape),
      db === null ? null : sumTo(be, db, out.shape, b.shape),
    ];
  },
};

export { pad, where };
