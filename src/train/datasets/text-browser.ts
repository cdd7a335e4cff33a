/**
 * The sandbox's text corpus in the browser: one file (1.4 MB) beside this module, served by Vite in
 * development and copied into the app's build as an asset; fetched once per URL, when the text dataset is
 * chosen. Any other text file works as well (`<pth-trainer dataset="text" corpus="my.txt">`). The npm
 * package's builds leave the corpus out (it alone would be half the package): there `shippedCorpusUrl` is empty
 * and a page names its own file (vite.lib.config.ts).
 */
/// <reference types="vite/client" />
import shippedCorpusUrl from './text/brown-fiction.txt?url';
import { type TextData, prepareText } from './text.ts';
import { DatasetError } from './types.ts';

const cache = new Map<string, Promise<TextData>>();

export function loadTextCorpus(url: string = shippedCorpusUrl): Promise<TextData> {
  if (url === '')
    return Promise.reject(
      new DatasetError(
        'this build of pthlab ships no text corpus: give the text file\'s URL (corpus="..."); the app\'s is brown-fiction.txt',
      ),
    );
  let loading = cache.get(url);
  if (loading === undefined) {
    loading = fetch(url).then(async (response) => {
      if (!response.ok) throw new DatasetError(`text corpus: ${response.status} fetching ${url}`);
      return prepareText(await response.text());
    });
    cache.set(url, loading);
    loading.catch(() => cache.delete(url));
  }
  return loading;
}
