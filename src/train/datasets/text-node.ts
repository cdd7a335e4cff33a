/** The sandbox's text corpus read from disk (Node): the file scripts/make-text-corpus.mjs writes. */
import { readFileSync } from 'node:fs';
import { type TextData, prepareText } from './text.ts';

export const textCorpusPath = new URL('./text/brown-fiction.txt', import.meta.url);

export function loadTextCorpus(): TextData {
  return prepareText(readFileSync(textCorpusPath, 'utf8'));
}
