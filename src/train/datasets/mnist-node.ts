/** MNIST in Node (tests, the CLI): the `mnist` package's digit files read from disk. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type MnistOptions, mnistFromDigits, parseDigitFile } from './mnist.ts';
import type { TabularData } from './types.ts';

const require = createRequire(import.meta.url);

export async function readMnistDigits(): Promise<Float32Array[]> {
  return Promise.all(
    Array.from({ length: 10 }, async (_, digit) =>
      parseDigitFile(await readFile(require.resolve(`mnist/src/digits/${digit}.json`), 'utf8'), digit),
    ),
  );
}

export async function loadMnistNode(options: MnistOptions = {}): Promise<TabularData> {
  return mnistFromDigits(await readMnistDigits(), options);
}
