/** `pthlab inspect FILE [--json]`: what a checkpoint holds, as a table for people or the canonical digest. */
import { loadCheckpoint } from '../checkpoint/index.ts';
import { digestCheckpoint, digestJson, leafJson } from '../checkpoint/inspect/digest.ts';
import { flatten } from '../checkpoint/inspect/flatten.ts';
import { readBytes } from './files.ts';
import { formatTable, grouped, humanBytes } from './table.ts';

export async function inspectCommand(path: string, options: { json: boolean }): Promise<string> {
  const bytes = readBytes(path);
  const loaded = loadCheckpoint(bytes);
  if (options.json) {
    return digestJson(await digestCheckpoint(loaded.format, loaded.value, loaded.metadata));
  }
  const { tensors, values } = flatten(loaded.value);
  const rows = tensors.map(([key, t]) => [
    key,
    t.dtype.name,
    `(${t.shape.join(', ')})`,
    grouped(t.numel),
    grouped(t.numel * t.dtype.itemsize),
  ]);
  const parameters = tensors.reduce((sum, [, t]) => sum + t.numel, 0);
  const tensorBytes = tensors.reduce((sum, [, t]) => sum + t.numel * t.dtype.itemsize, 0);
  const lines = [
    `${path}: ${describeFormat(loaded.format)}, ${humanBytes(bytes.byteLength)}`,
    ...(loaded.wholeModelClass === undefined
      ? []
      : [`whole pickled model ${loaded.wholeModelClass}: tensors recovered under its state_dict keys`]),
    '',
    formatTable(['key', 'dtype', 'shape', 'elements', 'bytes'], rows, [false, false, false, true, true]),
    '',
    `${grouped(tensors.length)} tensors, ${grouped(parameters)} elements, ${humanBytes(tensorBytes)}`,
  ];
  const leaves = [...values.map(([key, v]) => [key, leafJson(v)] as const), ...(loaded.metadata ?? [])];
  if (leaves.length > 0) {
    lines.push(
      '',
      formatTable(
        ['value', 'content'],
        leaves.map(([k, v]) => [k, v]),
        [false, false],
      ),
    );
  }
  return lines.join('\n');
}

function describeFormat(format: string): string {
  switch (format) {
    case 'torch-zip':
      return 'PyTorch zip checkpoint';
    case 'torch-legacy':
      return 'PyTorch legacy (pre-1.6) checkpoint';
    default:
      return 'safetensors';
  }
}
