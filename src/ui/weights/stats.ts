/**
 * The numbers behind `<pth-weights>`: summary statistics and a histogram of one tensor, the 2-D layout its
 * heatmap uses (rows = the first dimension, columns = all others), and a diverging colour scale.
 */

export interface WeightTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface TensorStats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  /** Non-finite values (NaN, ±Infinity), left out of everything else. */
  readonly nonFinite: number;
}

export interface Histogram {
  /** bins + 1 edges, from min to max. */
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

export function tensorStats(data: Float32Array): TensorStats {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    if (!Number.isFinite(v)) continue;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = count === 0 ? NaN : sum / count;
  let squares = 0;
  for (const v of data) if (Number.isFinite(v)) squares += (v - mean) ** 2;
  return {
    count,
    min: count === 0 ? NaN : min,
    max: count === 0 ? NaN : max,
    mean,
    std: count === 0 ? NaN : Math.sqrt(squares / count),
    nonFinite: data.length - count,
  };
}

export function histogram(data: Float32Array, bins = 20): Histogram {
  const { min, max, count } = tensorStats(data);
  const counts = new Array<number>(bins).fill(0);
  if (count === 0) return { edges: [], counts: [] };
  const width = max > min ? (max - min) / bins : 1;
  const lo = max > min ? min : min - bins / 2;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  for (const v of data) {
    if (!Number.isFinite(v)) continue;
    const bin = Math.min(bins - 1, Math.floor((v - lo) / width));
    counts[bin]!++;
  }
  return { edges, counts };
}

/** The heatmap's grid: a scalar is 1x1, a vector one row, anything else (first dim) x (the rest). */
export function heatmapLayout(shape: readonly number[]): { rows: number; cols: number } {
  if (shape.length === 0) return { rows: 1, cols: 1 };
  if (shape.length === 1) return { rows: 1, cols: shape[0] as number };
  const rows = shape[0] as number;
  return { rows, cols: shape.slice(1).reduce((a, d) => a * d, 1) };
}

/**
 * The heatmap's pixels for `shape`: each row of a 2-D tensor whose columns are an image's h*w pixels (the
 * first layer of an image model) as an h x w tile, the tiles in a near-square grid with 1-pixel gaps; else
 * one pixel per value (heatmapLayout). `pixel[i]` is where value i goes (y * width + x).
 */
export function heatmapPixels(
  shape: readonly number[],
  tile?: readonly [number, number],
): { width: number; height: number; pixel: Uint32Array; tiles: number | undefined } {
  const { rows, cols } = heatmapLayout(shape);
  const pixel = new Uint32Array(rows * cols);
  if (tile === undefined || shape.length !== 2 || cols !== tile[0] * tile[1] || rows < 1) {
    for (let i = 0; i < pixel.length; i++) pixel[i] = i;
    return { width: cols, height: rows, pixel, tiles: undefined };
  }
  const [h, w] = tile;
  const across = Math.ceil(Math.sqrt(rows));
  const down = Math.ceil(rows / across);
  const width = across * (w + 1) - 1;
  for (let r = 0; r < rows; r++) {
    const [tx, ty] = [(r % across) * (w + 1), Math.floor(r / across) * (h + 1)];
    for (let k = 0; k < cols; k++) pixel[r * cols + k] = (ty + Math.floor(k / w)) * width + tx + (k % w);
  }
  return { width, height: down * (h + 1) - 1, pixel, tiles: rows };
}

/** Blue (negative) through white (0) to red (positive), scaled by `limit` = the largest magnitude. */
export function divergingColor(v: number, limit: number): [number, number, number] {
  if (!Number.isFinite(v)) return [0, 0, 0];
  const t = limit > 0 ? Math.max(-1, Math.min(1, v / limit)) : 0;
  const fade = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? [255, fade, fade] : [fade, fade, 255];
}
