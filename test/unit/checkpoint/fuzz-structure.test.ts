/**
 * Structure-aware fuzzing (issue 13): where fuzz.test.ts flips bytes, this builds files whose structure is
 * the attack: memo reuse that shares dicts, modules and tuples as DAGs of random depth, tensor views with
 * random shapes, strides and offsets (stride 0 included), and zip end records whose comment length,
 * directory offset, size and count lie, or that follow a second archive. Every case must end in a value
 * or a CheckpointError within a time ceiling, and the process within a memory ceiling. Seeded; a failure
 * names its case.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CheckpointError, loadCheckpoint } from '../../../src/checkpoint/index.ts';
import { digestCheckpoint } from '../../../src/checkpoint/inspect/digest.ts';
import { flatten } from '../../../src/checkpoint/inspect/flatten.ts';
import {
  commentedZip,
  dagDictLegacy,
  dagDictZip,
  dagModuleZip,
  expandedZip,
  tupleKeyZip,
} from './hostile-files.ts';
import { dictPickle, int, pid, torchZip, tuple, emptyHooks } from './torch-files.ts';

const seed = Number(process.env['PTHLAB_FUZZ_SEED'] ?? 0x5eed_2024);
const ceiling = { ms: 30_000, rssBytes: 1.5 * 1024 ** 3 };

function random(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Load, walk and digest (views streamed through Node's SHA-256), as `pthlab inspect --json` does. */
async function consume(bytes: Uint8Array): Promise<string> {
  try {
    const loaded = loadCheckpoint(bytes);
    flatten(loaded.value);
    await digestCheckpoint(loaded.format, loaded.value, undefined, { newHash: () => createHash('sha256') });
    return 'value';
  } catch (error) {
    if (error instanceof CheckpointError) return error.code;
    throw error;
  }
}

const next = random(seed);
const below = (n: number) => Math.floor(next() * n);

/** A tensor over a float storage of `numel`, with the given view (lies included). */
function viewZip(numel: number, offset: number, shape: number[], stride: number[], neg: boolean): Uint8Array {
  const big = (n: number) =>
    n < 2 ** 31
      ? int(n)
      : `\x8a\x08${String.fromCharCode(...new Uint8Array(new BigInt64Array([BigInt(n)]).buffer))}`;
  const args = [
    pid('torch.FloatStorage', '0', numel),
    big(offset),
    tuple(shape.map(big)),
    tuple(stride.map(big)),
    '\x89',
    emptyHooks,
    ...(neg ? [`}(X\x03\x00\x00\x00neg\x88u`] : []),
  ];
  return torchZip({
    pickle: dictPickle([['v', `ctorch._utils\n_rebuild_tensor_v2\n${tuple(args)}R`]]),
    records: { '0': new Uint8Array(numel * 4) },
  });
}

/** Edits one field of the classic end record (the last 22 bytes when there is no comment). */
function editEnd(bytes: Uint8Array, field: number, width: 2 | 4, value: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const at = out.length - 22 + field;
  if (width === 2) view.setUint16(at, value & 0xffff, true);
  else view.setUint32(at, value >>> 0, true);
  return out;
}

interface Case {
  readonly what: string;
  readonly make: () => Uint8Array;
}

function cases(): Case[] {
  const out: Case[] = [];
  // Small DAGs, or ones past the million-path limit: between them a file is honest but big (2^20 paths
  // take seconds to report), which bounded.test.ts covers once rather than here many times.
  const levels = () => (next() < 0.5 ? 1 + below(12) : 21 + below(28));
  for (let i = 0; i < 12; i++) {
    const n = levels();
    out.push({ what: `dict DAG ${n} deep`, make: () => dagDictZip(n) });
    out.push({ what: `legacy dict DAG ${n} deep`, make: () => dagDictLegacy(n) });
    out.push({ what: `module DAG ${n} deep`, make: () => dagModuleZip(n) });
    out.push({ what: `tuple-key DAG ${n} deep`, make: () => tupleKeyZip(n) });
  }
  const sizes = [0, 1, 2, 3, 1000, 2 ** 16, 2 ** 24, 2 ** 31, 2 ** 40, 2 ** 52];
  const strides = [0, 0, 1, 2, 7, 2 ** 20, 2 ** 33];
  for (let i = 0; i < 40; i++) {
    const rank = below(4);
    const shape = Array.from({ length: rank }, () => sizes[below(sizes.length)] as number);
    const stride = Array.from({ length: rank }, () => strides[below(strides.length)] as number);
    const numel = 1 + below(64);
    const offset = [0, 1, numel - 1, numel, 2 ** 40][below(5)] as number;
    const neg = next() < 0.5;
    out.push({
      what: `view shape ${shape} stride ${stride} offset ${offset} of ${numel}${neg ? ' negated' : ''}`,
      make: () => viewZip(numel, offset, shape, stride, neg),
    });
  }
  for (let i = 0; i < 10; i++) {
    const shape = [1 + below(2 ** 20), 1 + below(64)];
    out.push({ what: `expanded ${shape}`, make: () => expandedZip(shape, next() < 0.5) });
  }
  const fields: [number, 2 | 4][] = [
    [8, 2],
    [10, 2],
    [12, 4],
    [16, 4],
    [20, 2],
  ];
  for (let i = 0; i < 30; i++) {
    const [field, width] = fields[below(fields.length)] as [number, 2 | 4];
    const value = [0, 1, 0xffff, 0xffffffff, below(2 ** 16), below(2 ** 32)][below(6)] as number;
    const twice = next() < 0.3;
    out.push({
      what: `end record field +${field} = ${value}${twice ? ' after a second archive' : ''}`,
      make: () => {
        const one = commentedZip(64, 0);
        const bytes = twice ? new Uint8Array([...commentedZip(32, 0), ...one]) : one;
        return editEnd(bytes, field, width, value);
      },
    });
  }
  return out;
}

describe(`structure-aware fuzz (seed ${seed})`, () => {
  it('every case ends in a value or a CheckpointError, within time and memory ceilings', async () => {
    const outcomes = new Map<string, number>();
    for (const [index, c] of cases().entries()) {
      const bytes = c.make();
      const before = bytes.slice();
      const start = performance.now();
      const replay = `seed ${seed} (PTHLAB_FUZZ_SEED replays it), case #${index}: ${c.what}`;
      let outcome: string;
      try {
        outcome = await consume(bytes);
      } catch (error) {
        throw new Error(`${replay}: threw ${String(error)}`, { cause: error });
      }
      expect(performance.now() - start, replay).toBeLessThan(ceiling.ms);
      expect(process.memoryUsage().rss, replay).toBeLessThan(ceiling.rssBytes);
      expect(Buffer.compare(bytes, before), `${replay}: the input was modified`).toBe(0);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // The cases reach both ends: some load, and several kinds of refusal happen.
    expect(outcomes.get('value') ?? 0, JSON.stringify([...outcomes])).toBeGreaterThan(0);
    expect(outcomes.size, JSON.stringify([...outcomes])).toBeGreaterThan(3);
  }, 120_000);
});
