/**
 * pthlab's digest text of a value or a file: compared byte for byte with what test/torch/py/digest.py prints
 * for the same checkpoint from real PyTorch.
 */
import { digestCheckpoint, digestJson } from '../../src/checkpoint/inspect/digest.ts';
import { type CheckpointFormat, type PyValue, loadCheckpoint } from '../../src/checkpoint/index.ts';

export async function digestOf(format: CheckpointFormat, value: PyValue): Promise<string> {
  return digestJson(await digestCheckpoint(format, value));
}

export async function digestOfFile(bytes: Uint8Array): Promise<string> {
  const loaded = loadCheckpoint(bytes);
  return digestJson(await digestCheckpoint(loaded.format, loaded.value, loaded.metadata));
}
