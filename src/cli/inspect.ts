/**
 * `pthlab inspect FILE [--json] [--stats]`: what a checkpoint holds, as a table for people or the canonical
 * digest; `--stats` adds per-tensor statistics (src/analysis/stats.ts), and a file that records its origin (a
 * pthlab general checkpoint) has it shown, with a warning when a newer pthlab format wrote it.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { StoredTensor } from '../checkpoint/index.ts';
import { type MinTorch, minTorchVersion, readProvenance, tensorStats } from '../analysis/index.ts';
import { digestCheckpoint, digestJson, leafJson } from '../checkpoint/inspect/digest.ts';
import { flatten } from '../checkpoint/inspect/flatten.ts';
import { loadCheckpointFile } from './load-file.ts';
import { formatTable, grouped, humanBytes } from './table.ts';

export interface InspectOptions {
  json: boolean;
  stats?: boolean;
  /** Where warnings go (stderr); without it they are part of the returned text. */
  warn?: (line: string) => void;
}

export async function inspectCommand(path: string, options: InspectOptions): Promise<string> {
  const loaded = await loadCheckpointFile(path);
  if (options.stats === true) {
    const { tensors } = flatten(loaded.value);
    if (options.json) return statsJson(tensors);
    return statsTable(tensors);
  }
  if (options.json) {
    const newHash = () => createHash('sha256');
    return digestJson(await digestCheckpoint(loaded.format, loaded.value, loaded.metadata, { newHash }));
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
    `${path}: ${describeFormat(loaded.format)}, ${humanBytes(statSync(path).size)}`,
    ...(loaded.wholeModelClass === undefined
      ? []
      : [`whole pickled model ${loaded.wholeModelClass}: tensors recovered under its state_dict keys`]),
    ...minTorchLines(minTorchVersion(loaded)),
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
  const origin = readProvenance(loaded.value);
  if (origin !== undefined) {
    const rows: string[][] = [...origin.fields];
    if (origin.step !== undefined) rows.push(['step', origin.step]);
    if (origin.arch !== undefined) rows.push(['arch', origin.arch]);
    lines.push('', formatTable(['origin', 'recorded'], rows, [false, false]));
    for (const w of origin.warnings) {
      if (options.warn !== undefined) options.warn(w);
      else lines.push(`warning: ${w}`);
    }
  }
  return lines.join('\n');
}

/** The lowest torch release that loads the file (src/analysis/min-torch.ts), and why. */
function minTorchLines(min: MinTorch | undefined): string[] {
  if (min === undefined) return [];
  return [
    `loads in torch >= ${min.version} (${min.reasons.join('; ')})`,
    ...min.notes.map((n) => `note: ${n}`),
  ];
}

const statNames = ['mean', 'std', 'min', 'max', 'norm', 'zeroFraction', 'nanCount', 'infCount'] as const;

function statsTable(tensors: [string, StoredTensor][]): string {
  const rows = tensors.map(([key, t]) => {
    const s = tensorStats(t, key);
    const g = (v: number) => (Number.isNaN(v) ? 'nan' : Number.isInteger(v) ? String(v) : v.toPrecision(5));
    return [key, t.dtype.name, `(${t.shape.join(', ')})`, ...statNames.map((n) => g(s[n]))];
  });
  const header = ['key', 'dtype', 'shape', 'mean', 'std', 'min', 'max', 'L2 norm', 'zeros', 'NaN', 'Inf'];
  return formatTable(header, rows, [false, false, false, true, true, true, true, true, true, true, true]);
}

/** {key: {numel, mean, ...}}; NaN and infinities as the strings "NaN", "Infinity", "-Infinity". */
function statsJson(tensors: [string, StoredTensor][]): string {
  const out = Object.fromEntries(tensors.map(([key, t]) => [key, tensorStats(t, key)]));
  return JSON.stringify(out, (_k, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  );
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
