/**
 * The sandbox's datasets (a folder of src/train): seeded toy sets, MNIST digits and CSV files, all as
 * TabularData, plus the split into training and held-out rows and the view src/train's Trainer reads.
 * `mnist-browser.ts` and `mnist-node.ts` are imported directly: each works in one runtime only.
 */
import { Generator } from '../../tensor/index.ts';
import type { Dataset } from '../data.ts';
import { DatasetError, type TabularData } from './types.ts';

export { parseCsv, type CsvData, type CsvOptions } from './csv.ts';
export { mnistFromDigits, mnistPixels, mnistSide, parseDigitFile, type MnistOptions } from './mnist.ts';
export {
  defaultNoise,
  makeSynthetic,
  syntheticNames,
  type SyntheticName,
  type SyntheticOptions,
} from './synthetic.ts';
export { DatasetError, type DatasetKind, type TabularData } from './types.ts';

/** Rows `rows` of `data`, in that order. */
export function selectRows(data: TabularData, rows: ArrayLike<number>): TabularData {
  const n = rows.length;
  const x = new Float32Array(n * data.features);
  const y = data.y instanceof Int32Array ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i] as number;
    if (!(r >= 0 && r < data.n)) throw new DatasetError(`row ${r} is outside 0..${data.n - 1}`);
    x.set(data.x.subarray(r * data.features, (r + 1) * data.features), i * data.features);
    y[i] = data.y[r] as number;
  }
  return { ...data, x, y, n };
}

/**
 * A seeded split into training and held-out rows: `fraction` of the rows (at least one, and at least one
 * left to train on) go to the held-out set. Both keep the rows' relative order.
 */
export function splitHoldout(
  data: TabularData,
  fraction: number,
  seed = 0,
): { train: TabularData; heldOut: TabularData } {
  if (!(fraction > 0 && fraction < 1)) throw new DatasetError(`the held-out fraction must be in (0, 1)`);
  if (data.n < 2) throw new DatasetError('splitting needs at least two rows');
  const count = Math.min(data.n - 1, Math.max(1, Math.round(data.n * fraction)));
  const gen = new Generator(seed);
  const order = Array.from({ length: data.n }, (_, i) => i);
  for (let i = data.n - 1; i > 0; i--) {
    const j = Math.floor(gen.random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const held = order.slice(0, count).sort((a, b) => a - b);
  const heldSet = new Set(held);
  const train = order.filter((r) => !heldSet.has(r)).sort((a, b) => a - b);
  return { train: selectRows(data, train), heldOut: selectRows(data, held) };
}

/**
 * The Dataset src/train's Trainer reads: x (n, features) or (n, c, h, w) for images; y (n,) int64 class
 * ids for classification, (n, 1) float32 targets for regression (the shape a model's output has for mse).
 */
export function toTrainDataset(data: TabularData): Dataset {
  const xShape = data.imageShape === undefined ? [data.n, data.features] : [data.n, ...data.imageShape];
  const yShape = data.kind === 'classification' ? [data.n] : [data.n, 1];
  return { x: data.x, xShape, y: data.y, yShape, length: data.n };
}
