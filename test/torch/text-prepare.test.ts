/**
 * The text dataset splits and encodes the shipped corpus exactly as nanoGPT's shakespeare_char/prepare.py does,
 * run in real Python (test/torch/py/text_prepare.py) on the same file.
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { loadTextCorpus, textCorpusPath } from '../../src/train/datasets/text-node.ts';
import { runTorch } from './harness.ts';

interface Prepared {
  itos: string[];
  vocab_size: number;
  n_train: number;
  n_val: number;
  train_sum: number;
  val_sum: number;
  train_head: number[];
  val_tail: number[];
}

const sum = (ids: Int32Array): number => ids.reduce((s, v) => s + v, 0);

it("equals nanoGPT's prepare.py: vocabulary, split and every id (by sum, head and tail)", async () => {
  const python = JSON.parse(
    await runTorch('1.13', 'text_prepare.py', [fileURLToPath(textCorpusPath)]),
  ) as Prepared;
  const ours = loadTextCorpus();
  expect(ours.vocab.itos).toEqual(python.itos);
  expect(ours.vocab.vocabSize).toBe(python.vocab_size);
  expect([ours.train.length, ours.val.length]).toEqual([python.n_train, python.n_val]);
  expect([sum(ours.train), sum(ours.val)]).toEqual([python.train_sum, python.val_sum]);
  expect([...ours.train.subarray(0, 200)]).toEqual(python.train_head);
  expect([...ours.val.subarray(-200)]).toEqual(python.val_tail);
});
