/** `pthlab diff A.pth B.pth`: per-tensor relative change between two state_dicts or general checkpoints. */
import { loadCheckpoint } from '../checkpoint/index.ts';
import { type KeyDiff, diffStateDicts, differs, stateDictOf } from '../analysis/index.ts';
import { readBytes } from './files.ts';
import { formatTable } from './table.ts';

export const diffUsage = `  pthlab diff A.pth B.pth [--json] per-tensor relative change ||B - A|| / ||A|| and the keys that differ`;

export function diffCommand(
  a: string,
  b: string,
  options: { json: boolean },
): { text: string; same: boolean } {
  const sdA = stateDictOf(loadCheckpoint(readBytes(a)).value, a).stateDict;
  const sdB = stateDictOf(loadCheckpoint(readBytes(b)).value, b).stateDict;
  const diffs = diffStateDicts(sdA, sdB);
  const changed = diffs.filter(differs);
  if (options.json) return { text: JSON.stringify(diffs, jsonNumbers), same: changed.length === 0 };
  const rows = diffs.map((d) => [d.key, ...describe(d, a, b)]);
  const lines = [
    formatTable(['key', 'relative change', 'max abs change'], rows, [false, true, true]),
    '',
    changed.length === 0
      ? `the ${diffs.length} tensors are equal`
      : `${changed.length} of ${diffs.length} keys differ: ${changed.map((d) => d.key).join(', ')}`,
  ];
  return { text: lines.join('\n'), same: changed.length === 0 };
}

function describe(d: KeyDiff, a: string, b: string): [string, string] {
  switch (d.kind) {
    case 'only-a':
      return [`only in ${a}`, ''];
    case 'only-b':
      return [`only in ${b}`, ''];
    case 'shape':
      return [`shape ${d.a} -> ${d.b}`, ''];
    case 'dtype':
      return [`dtype ${d.a} -> ${d.b}`, ''];
    default:
      return [d.relChange.toExponential(3), d.maxAbs.toExponential(3)];
  }
}

/** JSON has no Infinity or NaN: write them as strings. */
function jsonNumbers(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}
