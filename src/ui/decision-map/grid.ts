/**
 * The numbers behind `<pth-decision-map>`: the plotted region around 2-D points, the grid of inputs sent to
 * the model, the class each grid cell predicts, and the class colours. Row 0 of the grid is the top (largest
 * second coordinate), as a canvas draws.
 */

export interface Bounds {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

/** The points' bounding box grown by `margin` of its size on each side (a unit box when there are none). */
export function dataBounds(x: Float32Array, n: number, margin = 0.1): Bounds {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = x[2 * i] as number;
    const b = x[2 * i + 1] as number;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    xMin = Math.min(xMin, a);
    xMax = Math.max(xMax, a);
    yMin = Math.min(yMin, b);
    yMax = Math.max(yMax, b);
  }
  if (xMin > xMax) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const dx = Math.max(xMax - xMin, 1e-6) * margin;
  const dy = Math.max(yMax - yMin, 1e-6) * margin;
  return { xMin: xMin - dx, xMax: xMax + dx, yMin: yMin - dy, yMax: yMax + dy };
}

/** (size*size, 2) cell centres, row-major from the top-left. */
export function gridInputs(bounds: Bounds, size: number): Float32Array {
  const out = new Float32Array(size * size * 2);
  for (let r = 0; r < size; r++) {
    const b = bounds.yMax - ((r + 0.5) / size) * (bounds.yMax - bounds.yMin);
    for (let c = 0; c < size; c++) {
      const a = bounds.xMin + ((c + 0.5) / size) * (bounds.xMax - bounds.xMin);
      out[2 * (r * size + c)] = a;
      out[2 * (r * size + c) + 1] = b;
    }
  }
  return out;
}

/** The index of each row's first maximum: (rows, classes) logits or probabilities to class ids. */
export function argmaxRows(output: ArrayLike<number>, classes: number): Int32Array {
  const rows = Math.floor(output.length / classes);
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if ((output[r * classes + c] as number) > (output[r * classes + best] as number)) best = c;
    out[r] = best;
  }
  return out;
}

/** Share of grid cells predicting each class. */
export function classShares(cells: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const k of cells) if (k >= 0 && k < classes) counts[k]!++;
  return counts.map((c) => (cells.length === 0 ? 0 : c / cells.length));
}

/** Ten distinguishable colours (Tableau 10), then repeating. */
export const classPalette = [
  [78, 121, 167],
  [242, 142, 43],
  [225, 87, 89],
  [118, 183, 178],
  [89, 161, 79],
  [237, 201, 72],
  [176, 122, 161],
  [255, 157, 167],
  [156, 117, 95],
  [186, 176, 172],
] as const;

export function classColor(k: number): readonly [number, number, number] {
  return classPalette[((k % 10) + 10) % 10] as readonly [number, number, number];
}
