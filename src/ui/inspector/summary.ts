/**
 * The plain data behind `<pth-inspector>`: a checkpoint's format, its tensors (key, dtype, shape,
 * elements, bytes) and its other values, derived from the checkpoint library alone (no DOM).
 */
import type { CheckpointFormat } from '../../checkpoint/index.ts';
import { loadCheckpointOffThread } from '../../checkpoint/off-thread/load.ts';
import { leafJson } from '../../checkpoint/inspect/digest.ts';
import { flatten } from '../../checkpoint/inspect/flatten.ts';

export interface TensorRow {
  readonly key: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly elements: number;
  readonly bytes: number;
}

export interface CheckpointSummary {
  readonly fileName: string;
  readonly fileBytes: number;
  readonly format: CheckpointFormat;
  readonly wholeModelClass: string | undefined;
  readonly tensors: readonly TensorRow[];
  readonly values: readonly (readonly [string, string])[];
  readonly totalElements: number;
  readonly totalBytes: number;
}

/** The file is parsed in a worker in the browser, so a hostile one leaves the page responsive. */
export async function summarize(fileName: string, bytes: Uint8Array): Promise<CheckpointSummary> {
  const loaded = await loadCheckpointOffThread(bytes);
  const leaves = flatten(loaded.value);
  const tensors = leaves.tensors.map(([key, t]) => ({
    key,
    dtype: t.dtype.name,
    shape: t.shape,
    elements: t.numel,
    bytes: t.numel * t.dtype.itemsize,
  }));
  const values = [
    ...leaves.values.map(([key, v]) => [key, leafJson(v)] as const),
    ...[...(loaded.metadata ?? [])].map(([key, v]) => [`__metadata__.${key}`, JSON.stringify(v)] as const),
  ];
  return {
    fileName,
    fileBytes: bytes.byteLength,
    format: loaded.format,
    wholeModelClass: loaded.wholeModelClass,
    tensors,
    values,
    totalElements: tensors.reduce((sum, t) => sum + t.elements, 0),
    totalBytes: tensors.reduce((sum, t) => sum + t.bytes, 0),
  };
}
