/** The op table's matmul: torch.matmul over any broadcast leading dims, and Linear's transposed weight. */
import type { Backend, DeviceBuffer, Shape } from './backend.ts';
import { type OpDef, type Operand, arg, f32, sumTo, swapsLastTwo } from './op-def.ts';
import { broadcastShapes, sameShape, sizeOf } from './shape.ts';

/**
 * a (..., m, k) @ op(b) -> (..., m, n), op(b) being b (..., k, n), or b stored (..., n, k) with transB (a
 * Linear weight: no transpose copy). A 2-D b is one matrix shared by every leading index: a's leading dims
 * fold into m. Otherwise the leading dims broadcast (torch.matmul): an operand whose leading dims hold one
 * matrix is read shared, one broadcast along some of them is expanded first (saved for the backward).
 */
const matmul: OpDef<{ transB: boolean }, MatmulPlan> = {
  name: 'matmul',
  forward: (be, inputs, { transB }) => {
    const a = arg(inputs, 0);
    const given = arg(inputs, 1);
    // b = x.transpose(-2, -1), a view: the kernel reads x itself with the transpose flag flipped (no copy).
    const inPlace = swapsLastTwo(given.view);
    const b = inPlace ? { buf: given.view.base, shape: given.view.baseShape, dtype: given.dtype } : given;
    const readTransB = inPlace ? !transB : transB;
    const plan = planMatmul(be, a, b, readTransB);
    const buf = be.matmul(plan.a, plan.b, { ...plan.g, transA: false, transB: readTransB });
    return { out: f32(buf, plan.outShape), saved: { ...plan, readTransB } }; // (..., m, n)
  },
  backward: (be, dy, { inputs, attrs, needs, saved }) => {
    const { g, lead, readTransB } = saved;
    const { batch, m, k, n, aBatched, bBatched } = g;
    // dA (m, k) = dY (m, n) @ op(B)^T, B as the kernel read it: stored (n, k) that is dY @ B, else dY @ B^T.
    const da = needs[0]
      ? be.matmul(dy, saved.b, { batch, aBatched: true, bBatched, m, k: n, n: k, transA: false, transB: !readTransB })
      : null; // (batch, m, k)
    // dB is the gradient of b as given (a view's gradient goes on to the permute's backward): by attrs.transB.
    // dB stored (n, k) = dY^T (n, m) @ A (m, k); stored (k, n) = A^T (k, m) @ dY (m, n).
    const db = !needs[1]
      ? null
      : attrs.transB
        ? be.matmul(dy, saved.a, { batch, aBatched: true, bBatched: aBatched, m: n, k: m, n: k, transA: true, transB: false })
        : be.matmul(saved.a, dy, { batch, aBatched, bBatched: true, m: k, k: m, n, transA: true, transB: false });
    // A shared or expanded operand sums its gradient over the batch it was broadcast along.
    const toOwn = (buf: DeviceBuffer, batched: boolean, tail: number[], own: Shape): DeviceBuffer => {
      if (g.folded) return buf;
      if (!batched) return batch > 1 ? be.reduce('sum', buf, [batch, ...tail], [0]) : buf;
      return sumTo(be, buf, [...lead, ...tail], own);
    };
    return [
      da === null ? null : toOwn(da, aBatched, [m, k], arg(inputs, 0).shape),
      db === null ? null : toOwn(db, bBatched, attrs.transB ? [n, k] : [k, n], arg(inputs, 1).shape),
    ];
  },
}; // prettier-ignore

export interface MatmulPlan {
  g: {
    batch: number;
    m: number;
    k: number;
    n: number;
    aBatched: boolean;
    bBatched: boolean;
    folded: boolean;
  };
  /** The broadcast leading dims (empty when folded). */
  lead: number[];
  /** The operands as the kernel reads them (expanded where broadcast needed it). */
  a: DeviceBuffer;
  b: DeviceBuffer;
  outShape: number[];
  /** The transpose flag the kernel read b with (flipped from the attribute for a transposed view). */
  readTransB: boolean;
}

function planMatmul(be: Backend, a: Operand, b: Operand, transB: boolean): Omit<MatmulPlan, 'readTransB'> {
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new RangeError(`matmul: unsupported shapes [${a.shape.join(', ')}] @ [${b.shape.join(', ')}]`);
  }
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [bk, n] = (transB ? b.shape.slice(-2).reverse() : b.shape.slice(-2)) as [number, number];
  if (bk !== k) {
    throw new RangeError(
      `mat1 and mat2 shapes cannot be multiplied ([${a.shape.join(', ')}] @ [${b.shape.join(', ')}])`,
    );
  }
  if (b.shape.length === 2) {
    const rows = sizeOf(a.shape) / k; // (..., m, k) as (rows, k)
    const g = { batch: 1, m: rows, k, n, aBatched: true, bBatched: false, folded: true };
    return { g, lead: [], a: a.buf, b: b.buf, outShape: [...a.shape.slice(0, -1), n] };
  }
  const aLead = a.shape.slice(0, -2);
  const bLead = b.shape.slice(0, -2);
  const lead = broadcastShapes(aLead, bLead);
  const batch = sizeOf(lead);
  // One matrix is read shared; a partly broadcast operand is expanded to the full batch.
  const operand = (x: Operand, own: Shape, tail: number[]) =>
    sizeOf(own) === 1 || sameShape(own, lead)
      ? { buf: x.buf, batched: sizeOf(own) !== 1 || batch === 1 }
      : { buf: be.expand(x.buf, x.shape, [...lead, ...tail]), batched: true };
  const pa = operand(a, aLead, [m, k]);
  const pb = operand(b, bLead, b.shape.slice(-2));
  const g = { batch, m, k, n, aBatched: pa.batched, bBatched: pb.batched, folded: false };
  return { g, lead, a: pa.buf, b: pb.buf, outShape: [...lead, m, n] }; // (...lead, m, n)
}

export { matmul };
