/**
 * Comparing two state_dicts key by key: which keys only one has, which differ in shape or dtype, and for
 * the rest the relative change ||b - a|| / ||a|| (L2 over all elements) and the largest elementwise change.
 */
import { type PyDict, StoredTensor } from '../checkpoint/index.ts';
import { elementsOf } from './elements.ts';

export type KeyDiff =
  | { key: string; kind: 'only-a' | 'only-b' }
  | { key: string; kind: 'shape' | 'dtype'; a: string; b: string }
  | { key: string; kind: 'values'; relChange: number; maxAbs: number };

/** Every key in either dict (a's order, then b's new keys); `kind: 'values'` also for equal tensors. */
export function diffStateDicts(a: PyDict, b: PyDict): KeyDiff[] {
  const out: KeyDiff[] = [];
  for (const [k, va] of a) {
    const key = String(k);
    const vb = b.get(k);
    if (vb === undefined) {
      out.push({ key, kind: 'only-a' });
      continue;
    }
    if (!(va instanceof StoredTensor) || !(vb instanceof StoredTensor)) continue;
    if (va.shape.join(',') !== vb.shape.join(',') || va.shape.length !== vb.shape.length) {
      out.push({ key, kind: 'shape', a: `[${va.shape.join(', ')}]`, b: `[${vb.shape.join(', ')}]` });
    } else if (va.dtype.name !== vb.dtype.name) {
      out.push({ key, kind: 'dtype', a: va.dtype.name, b: vb.dtype.name });
    } else {
      out.push({ key, kind: 'values', ...change(elementsOf(va, key), elementsOf(vb, key)) });
    }
  }
  for (const k of b.keys()) if (!a.has(k)) out.push({ key: String(k), kind: 'only-b' });
  return out;
}

function change(a: Float64Array, b: Float64Array): { relChange: number; maxAbs: number } {
  let diff2 = 0;
  let norm2 = 0;
  let maxAbs = 0;
  a.forEach((x, i) => {
    const d = (b[i] as number) - x;
    diff2 += d * d;
    norm2 += x * x;
    const ad = Math.abs(d);
    if (!(ad <= maxAbs)) maxAbs = ad; // NaN sticks
  });
  const relChange = norm2 > 0 ? Math.sqrt(diff2 / norm2) : diff2 > 0 ? Infinity : 0;
  return { relChange, maxAbs };
}

/** Whether an entry is a difference (anything but equal values). */
export function differs(d: KeyDiff): boolean {
  return d.kind !== 'values' || d.maxAbs !== 0;
}
