/**
 * Character-level text, as nanoGPT's `data/shakespeare_char/prepare.py` makes it: the vocabulary is the sorted
 * set of characters in the text (sorted by code point, as Python sorts strings), ids are positions in it, the
 * first 90% of the ids train and the rest validate, and a batch is `batchSize` windows of `blockSize` ids at
 * seeded random offsets with the targets one id further on (`get_batch` in nanoGPT's train.py).
 * The corpus the sandbox ships is `text/brown-fiction.txt` (scripts/make-text-corpus.mjs); `text-browser.ts`
 * and `text-node.ts` load it in each runtime.
 */
import type { Generator } from '../../tensor/index.ts';
import { DatasetError } from './types.ts';

/** nanoGPT's meta.pkl: `vocab_size`, `stoi` (character to id) and `itos` (id to character). */
export interface CharVocab {
  readonly vocabSize: number;
  readonly itos: readonly string[];
  readonly stoi: ReadonlyMap<string, number>;
}

export interface TextData {
  readonly vocab: CharVocab;
  /** (n_train,) token ids. */
  readonly train: Int32Array;
  /** (n_val,) token ids. */
  readonly val: Int32Array;
}

/** A batch of windows: x (B, T) ids and y (B, T) the ids one position later, row-major. */
export interface TextBatch {
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly shape: readonly [number, number];
}

const byCodePoint = (a: string, b: string): number => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0);

/** `sorted(list(set(text)))`: characters are code points, so a character outside the BMP is one entry. */
export function charVocab(text: string): CharVocab {
  if (text.length === 0)
    throw new DatasetError('the text is empty: there is no character to make a vocabulary of');
  return vocabFromChars([...new Set(text)].sort(byCodePoint));
}

/** A vocabulary from its `itos` list (as meta.pkl stores it); each entry one character, none twice. */
export function vocabFromChars(itos: readonly string[]): CharVocab {
  const stoi = new Map<string, number>();
  itos.forEach((ch, i) => {
    if ([...ch].length !== 1)
      throw new DatasetError(`vocabulary entry ${i} is ${JSON.stringify(ch)}, not one character`);
    if (stoi.has(ch)) throw new DatasetError(`vocabulary entry ${i} repeats ${JSON.stringify(ch)}`);
    stoi.set(ch, i);
  });
  return { vocabSize: itos.length, itos: [...itos], stoi };
}

/** Ids of each character of `text`; a character outside the vocabulary is an error naming its offset. */
export function encodeText(text: string, vocab: CharVocab): Int32Array {
  const ids: number[] = [];
  let offset = 0;
  for (const ch of text) {
    const id = vocab.stoi.get(ch);
    if (id === undefined)
      throw new DatasetError(`character ${JSON.stringify(ch)} at offset ${offset} is not in the vocabulary`);
    ids.push(id);
    offset += ch.length;
  }
  return Int32Array.from(ids);
}

export function decodeIds(ids: ArrayLike<number>, vocab: CharVocab): string {
  let text = '';
  for (let i = 0; i < ids.length; i++) {
    const ch = vocab.itos[ids[i] as number];
    if (ch === undefined)
      throw new DatasetError(`id ${ids[i]} at position ${i} is outside 0..${vocab.vocabSize - 1}`);
    text += ch;
  }
  return text;
}

/** The vocabulary of the whole text, then `train = data[:int(n*0.9)]`, `val = data[int(n*0.9):]`. */
export function prepareText(text: string, trainFraction = 0.9): TextData {
  if (!(trainFraction > 0 && trainFraction < 1))
    throw new DatasetError('the training fraction must be in (0, 1)');
  const vocab = charVocab(text);
  const ids = encodeText(text, vocab);
  const cut = Math.floor(ids.length * trainFraction);
  return { vocab, train: ids.subarray(0, cut), val: ids.subarray(cut) };
}

/** `batchSize` windows at offsets drawn uniformly from 0..n-blockSize-1 by `gen`, targets shifted by one. */
export function textBatch(ids: Int32Array, blockSize: number, batchSize: number, gen: Generator): TextBatch {
  if (!Number.isSafeInteger(blockSize) || blockSize < 1) throw new DatasetError('block size must be >= 1');
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new DatasetError('batch size must be >= 1');
  if (ids.length <= blockSize)
    throw new DatasetError(`${ids.length} ids cannot hold a window of ${blockSize} and its next id`);
  const x = new Int32Array(batchSize * blockSize);
  const y = new Int32Array(batchSize * blockSize);
  for (let b = 0; b < batchSize; b++) {
    const start = Math.floor(gen.random() * (ids.length - blockSize));
    x.set(ids.subarray(start, start + blockSize), b * blockSize);
    y.set(ids.subarray(start + 1, start + 1 + blockSize), b * blockSize);
  }
  return { x, y, shape: [batchSize, blockSize] };
}
