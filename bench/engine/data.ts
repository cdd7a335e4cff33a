/** Seeded inputs shared by the page's columns: normal(0, 1) features and uniform class labels. */
import { Generator } from '../../src/tensor/random.ts';

export interface Batch {
  x: Float32Array;
  labels: Int32Array;
}

export function randomBatch(
  batch: number,
  featureShape: readonly number[],
  classes: number,
  seed: number,
): Batch {
  const gen = new Generator(seed);
  const x = gen.normalArray(batch * featureShape.reduce((a, d) => a * d, 1), 0, 1);
  const labels = Int32Array.from({ length: batch }, () => Math.floor(gen.random() * classes));
  return { x, labels };
}

export function randomMatrix(n: number, seed: number): Float32Array {
  return new Generator(seed).uniformArray(n * n, -1, 1);
}

/** U(-b, b) with b = 1/sqrt(fanIn): the scale torch's Linear and Conv2d start from. */
export function uniformInit(shape: readonly number[], fanIn: number, gen: Generator): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  return gen.uniformArray(
    shape.reduce((a, d) => a * d, 1),
    -bound,
    bound,
  );
}
