/**
 * nanoGPT's meta.pkl for a character-level dataset (data/shakespeare_char/prepare.py): the sorted set of
 * characters, `stoi` (char -> id) and `itos` (id -> char), pickled as a plain dict
 *   {'vocab_size': int, 'itos': {int: str}, 'stoi': {str: int}}
 * that Python's pickle.load reads (protocol 2 here; protocol 4, Python's default, on reading).
 */
import { CheckpointError, PyDict, type PyValue } from '../checkpoint/index.ts';
import { readPickle } from '../checkpoint/pickle/read.ts';
import { writePickle } from '../checkpoint/pickle/write.ts';
import { TrainError } from './errors.ts';

export interface CharMeta {
  vocabSize: number;
  stoi: Map<string, number>;
  itos: Map<number, string>;
}

/** prepare.py's vocabulary: `sorted(list(set(data)))`, code points in Python's order. */
export function charMeta(text: string): CharMeta {
  const chars = [...new Set(text)].sort(
    (a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number),
  );
  return {
    vocabSize: chars.length,
    stoi: new Map(chars.map((c, i) => [c, i])),
    itos: new Map(chars.map((c, i) => [i, c])),
  };
}

export function encodeChars(meta: CharMeta, text: string): number[] {
  return [...text].map((c) => {
    const id = meta.stoi.get(c);
    if (id === undefined) throw new TrainError(`character ${JSON.stringify(c)} is not in the vocabulary`);
    return id;
  });
}

export function decodeChars(meta: CharMeta, ids: readonly number[]): string {
  return ids
    .map((i) => {
      const c = meta.itos.get(i);
      if (c === undefined) throw new TrainError(`id ${i} is not in the vocabulary`);
      return c;
    })
    .join('');
}

export function writeMetaPkl(meta: CharMeta): Uint8Array {
  const dict = new PyDict('dict', [
    ['vocab_size', BigInt(meta.vocabSize)],
    [
      'itos',
      new PyDict(
        'dict',
        [...meta.itos].map(([i, c]) => [BigInt(i), c]),
      ),
    ],
    [
      'stoi',
      new PyDict(
        'dict',
        [...meta.stoi].map(([c, i]) => [c, BigInt(i)]),
      ),
    ],
  ]);
  return writePickle(dict).bytes;
}

/** Reads meta.pkl with the allowlisted pickle VM (a plain dict needs no globals at all). */
export function readMetaPkl(bytes: Uint8Array): CharMeta {
  const value = readPickle(bytes, {
    mode: 'weights-only',
    label: 'meta.pkl',
    persistentLoad: () => {
      throw new CheckpointError('pickle-malformed', 'meta.pkl has a persistent id', 'meta.pkl');
    },
  });
  if (!(value instanceof PyDict)) throw new TrainError('meta.pkl: expected a dict');
  const itos = new Map<number, string>();
  const stoi = new Map<string, number>();
  for (const [k, v] of pyDictOf(value.get('itos'), 'itos')) itos.set(int(k), str(v));
  for (const [k, v] of pyDictOf(value.get('stoi'), 'stoi')) stoi.set(str(k), int(v));
  const vocabSize = int(value.get('vocab_size') ?? null);
  return { vocabSize, stoi, itos };
}

function pyDictOf(v: PyValue | undefined, what: string): PyDict {
  if (!(v instanceof PyDict)) throw new TrainError(`meta.pkl: '${what}' is not a dict`);
  return v;
}

function int(v: PyValue): number {
  if (typeof v === 'bigint') return Number(v);
  throw new TrainError(`meta.pkl: expected an int, got ${String(v)}`);
}

function str(v: PyValue): string {
  if (typeof v === 'string') return v;
  throw new TrainError(`meta.pkl: expected a str, got ${String(v)}`);
}
