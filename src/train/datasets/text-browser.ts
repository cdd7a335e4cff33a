/**
 * The sandbox's text corpus in the browser: one file (1.4 MB) beside this module, served by Vite in
 * development and copied into the app's build as an asset; fetched once per URL, when the text dataset is
 * chosen. Any other text file works as well (`<pth-trainer dataset="text" corpus="my.txt">`). The npm
 * package's builds leave the corpus out (it alone would be half the package): there `shippedCorpusUrl` is empty
 * and a page names its own file (vite.lib.config.ts).
 */
/// <reference types="vite/client" />
import shippedCorpusUrl from './text/brown-fiction.txt?url';
import type { TextData } from './text.ts';
import { fetchTextCorpus } from './text-fetch.ts';
import { DatasetError } from './types.ts';

/**
 * The absolute URL of the corpus to train on (`url`, else the shipped one), resolved against the page, so a
 * worker fetches the same file; a build without a corpus and no `url` is refused in words.
 */
export function textCorpusUrl(url: string = shippedCorpusUrl): string {
  if (url === '')
    throw new DatasetError(
      'this build of pthlab ships no text corpus: give the text file\'s URL (corpus="..."); the app\'s is brown-fiction.txt',
    );
  return new URL(url, location.href).href;
}

export function loadTextCorpus(url?: string): Promise<TextData> {
  try {
    return fetchTextCorpus(textCorpusUrl(url));
  } catch (e) {
    return Promise.reject(e as Error);
  }
}
