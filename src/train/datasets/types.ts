/**
 * The plain shape every pthlab dataset generator and parser returns: rows of `features` float32 values in
 * `x` (row-major, n * features), and one label per row in `y`: an int32 class id for classification, a
 * float32 target for regression.
 */

export type DatasetKind = 'classification' | 'regression';

export interface TabularData {
  /** (n, features), row-major. */
  readonly x: Float32Array;
  /** (n,): class ids 0..classes-1 (classification) or targets (regression). */
  readonly y: Int32Array | Float32Array;
  readonly n: number;
  readonly features: number;
  /** Number of classes (classification only). */
  readonly classes?: number;
  readonly kind: DatasetKind;
  /** For images: the (channels, height, width) each row of `x` holds, e.g. (1, 28, 28) for MNIST. */
  readonly imageShape?: readonly [number, number, number];
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}
