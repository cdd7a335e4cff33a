/**
 * Importance of parameters, per element and per unit, by the three criteria the pruning literature starts
 * from:
 *   - magnitude: |w| (what `prune.l1_unstructured` ranks by);
 *   - taylor: |g·w|, the first-order estimate of the loss change when w is set to zero (Molchanov et al.,
 *     "Importance Estimation for Neural Network Pruning", 2019);
 *   - snip: |g·w| / Σ|g·w| over every scored parameter, taken at initialization on one batch (Lee et al.,
 *     "SNIP: Single-shot Network Pruning based on Connection Sensitivity", 2019): connection sensitivity,
 *     normalized so the scores of the whole network sum to 1.
 * A unit is an output row of a weight (a Linear's output feature, a Conv2d's output channel): its score is
 * the sum of its elements' scores, the criterion structured pruning removes whole units by.
 */
import { AnalysisError } from './errors.ts';

export type ImportanceMethod = 'magnitude' | 'taylor' | 'snip';
export const importanceMethods: readonly ImportanceMethod[] = ['magnitude', 'taylor', 'snip'];

export interface ParameterImportance {
  readonly key: string;
  /** Per element, in C order. */
  readonly elements: Float64Array;
  /** Per output unit (the first dimension); one entry for a 0-d or 1-d tensor's elements each. */
  readonly units: Float64Array;
  readonly total: number;
}

/**
 * Scores for each parameter in `weights` (by state_dict key, with its shape); `gradients` are required for
 * taylor and snip and must hold every key of `weights`.
 */
export function parameterImportance(
  method: ImportanceMethod,
  weights: ReadonlyMap<string, { values: ArrayLike<number>; shape: readonly number[] }>,
  gradients?: ReadonlyMap<string, ArrayLike<number>>,
): ParameterImportance[] {
  const scored = [...weights].map(([key, { values, shape }]) => {
    const elements = new Float64Array(values.length);
    if (method === 'magnitude')
      for (let i = 0; i < values.length; i++) elements[i] = Math.abs(values[i] as number);
    else {
      const g = gradients?.get(key);
      if (g === undefined) throw new AnalysisError(`importance: ${method} needs the gradient of ${key}`);
      if (g.length !== values.length)
        throw new AnalysisError(`importance: ${key} has ${values.length} elements but ${g.length} gradients`);
      for (let i = 0; i < values.length; i++)
        elements[i] = Math.abs((values[i] as number) * (g[i] as number));
    }
    return { key, elements, shape };
  });
  if (method === 'snip') {
    const sum = scored.reduce((s, p) => s + p.elements.reduce((a, b) => a + b, 0), 0);
    if (sum > 0)
      for (const p of scored)
        for (let i = 0; i < p.elements.length; i++) p.elements[i] = (p.elements[i] as number) / sum;
  }
  return scored.map(({ key, elements, shape }) => {
    const rows = shape.length === 0 ? 1 : (shape[0] as number);
    const perRow = rows === 0 ? 0 : elements.length / rows;
    const units = new Float64Array(rows);
    for (let r = 0; r < rows; r++)
      for (let e = r * perRow; e < (r + 1) * perRow; e++)
        units[r] = (units[r] as number) + (elements[e] as number);
    return { key, elements, units, total: units.reduce((a, b) => a + b, 0) };
  });
}
