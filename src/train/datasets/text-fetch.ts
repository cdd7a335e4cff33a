/**
 * A text corpus fetched by URL and prepared (nanoGPT's prepare.py split), once per URL. Apart from
 * text-browser.ts so that the text trainer's worker can load a corpus without importing the shipped one as
 * an asset (its URL comes from the page).
 */
import { type TextData, prepareText } from './text.ts';
import { DatasetError } from './types.ts';

const cache = new Map<string, Promise<TextData>>();

export function fetchTextCorpus(url: string): Promise<TextData> {
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
