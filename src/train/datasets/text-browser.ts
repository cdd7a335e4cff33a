/**
 * The sandbox's text corpus in the browser: one file (1.4 MB) beside this module, served by Vite in
 * development and copied into the build as an asset; fetched once per page, when the text dataset is chosen.
 */
/// <reference types="vite/client" />
import corpusUrl from './text/brown-fiction.txt?url';
import { type TextData, prepareText } from './text.ts';
import { DatasetError } from './types.ts';

let cache: Promise<TextData> | undefined;

export function loadTextCorpus(): Promise<TextData> {
  cache ??= fetch(corpusUrl).then(async (response) => {
    if (!response.ok) throw new DatasetError(`text corpus: ${response.status} fetching ${corpusUrl}`);
    return prepareText(await response.text());
  });
  cache.catch(() => (cache = undefined));
  return cache;
}
