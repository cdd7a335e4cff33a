/**
 * A seeded mutation fuzz of real checkpoints: a torch zip written by saveTorchZip (state_dict, optimizer
 * state and nested values), a legacy file laid out as torch < 1.6 writes it, and a safetensors file. Each
 * mutation (byte flips, truncations, splices, insertions, deletions, bumps of length and offset fields) is
 * loaded and every tensor of the result read: the outcome must be a value or a CheckpointError, quickly,
 * with the input left as it was. A failure names the seed; `PTHLAB_FUZZ_SEED=<seed>` replays it.
 */
import { describe, expect, it } from 'vitest';
import { flatten } from '../../../src/checkpoint/inspect/flatten.ts';
import {
  CheckpointError,
  loadCheckpoint,
  saveTorchZip,
  writeSafetensors,
  type PyDict,
} from '../../../src/checkpoint/index.ts';
import { sampleCheckpoints } from '../../support/sample-checkpoints.ts';
import { emptyHooks, float, float32Bytes, int, legacyFile, legacyPid, str, tensorV2 } from './torch-files.ts';

const seed = Number(process.env['PTHLAB_FUZZ_SEED'] ?? 0x5eed_2024);
const mutationsPerFile = 1000;

/** mulberry32: small, seedable, good enough to pick mutations. */
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

interface Field {
  readonly offset: number;
  readonly width: 1 | 2 | 4 | 8;
}

/** Length, count and offset fields of the zip records (APPNOTE 4.3), found by their signatures. */
function zipFields(bytes: Uint8Array): Field[] {
  const layout: Record<number, [number, Field['width']][]> = {
    0x04034b50: [
      [18, 4],
      [22, 4],
      [26, 2],
      [28, 2],
    ], // local header: sizes, name and extra lengths
    0x02014b50: [
      [20, 4],
      [24, 4],
      [28, 2],
      [30, 2],
      [32, 2],
      [42, 4],
    ], // central header
    0x08074b50: [
      [8, 4],
      [12, 4],
    ], // data descriptor
    0x06054b50: [
      [8, 2],
      [10, 2],
      [12, 4],
      [16, 4],
      [20, 2],
    ], // end of central directory
    0x06064b50: [
      [4, 8],
      [24, 8],
      [32, 8],
      [40, 8],
      [48, 8],
    ], // zip64 end record
    0x07064b50: [[8, 8]], // zip64 locator
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: Field[] = [];
  for (let i = 0; i + 4 <= bytes.length; i++) {
    for (const [offset, width] of layout[view.getUint32(i, true)] ?? [])
      fields.push({ offset: i + offset, width });
  }
  return fields;
}

/** Operands of pickle length/int opcodes (BINUNICODE, BININT, BININT1/2, LONG1), wherever those bytes occur. */
function pickleFields(bytes: Uint8Array): Field[] {
  const widths: Record<number, Field['width']> = {
    0x58: 4,
    0x4a: 4,
    0x4b: 1,
    0x4d: 2,
    0x8a: 1,
    0x71: 1,
    0x68: 1,
  };
  const fields: Field[] = [];
  bytes.forEach((byte, i) => {
    const width = widths[byte];
    if (width !== undefined) fields.push({ offset: i + 1, width });
  });
  return fields;
}

interface Target {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly fields: Field[];
}

function torchZipTarget(): Target {
  const general = sampleCheckpoints().find((s) => s.name === 'general-checkpoint');
  const shared = sampleCheckpoints().find((s) => s.name === 'views-and-sharing');
  if (general === undefined || shared === undefined) throw new Error('sample checkpoints changed');
  (general.value as PyDict).set('views', shared.value);
  const bytes = saveTorchZip(general.value, { root: 'checkpoint' });
  return { name: 'torch zip', bytes, fields: [...zipFields(bytes), ...pickleFields(bytes)] };
}

function legacyTarget(): Target {
  const weight = legacyPid('torch.FloatStorage', '94412316', 12);
  const step = legacyPid('torch.LongStorage', '94412400', 1);
  const state = [
    [str('fc.weight'), tensorV2(weight, 0, [3, 2], [2, 1])],
    [str('fc.bias'), tensorV2(weight, 6, [3], [1])],
    [str('fc.t'), tensorV2(weight, 0, [2, 3], [1, 2])],
    [str('steps'), tensorV2(step, 0, [], [])],
  ];
  const metadata = `${emptyHooks}(${str('')}}(${str('version')}${int(1)}u${str('fc')}}(${str('version')}${int(1)}uu`;
  const object =
    `\x80\x02}(${str('epoch')}${int(7)}${str('lr')}${float(0.001)}${str('model')}` +
    `${emptyHooks}(${state.map(([k, v]) => `${k}${v}`).join('')}u}(${str('_metadata')}${metadata}ub` +
    `${str('history')}](${int(1)}${int(70000)}${int(-5)}eu.`;
  const bytes = legacyFile(object, [
    { key: '94412316', count: 12n, data: float32Bytes(Array.from({ length: 12 }, (_, i) => i / 4 - 1)) },
    { key: '94412400', count: 1n, data: new Uint8Array(new BigInt64Array([1234n]).buffer) },
  ]);
  // The i64 counts: 12 floats then 1 int64 at the end of the file.
  const counts: Field[] = [
    { offset: bytes.length - 8 - 8 - 48 - 8, width: 8 },
    { offset: bytes.length - 8 - 8, width: 8 },
  ];
  return { name: 'legacy', bytes, fields: [...pickleFields(bytes), ...counts] };
}

function safetensorsTarget(zip: Uint8Array): Target {
  const { tensors } = flatten(loadCheckpoint(zip).value);
  const bytes = writeSafetensors(tensors, { format: 'pt', source: 'fuzz' });
  // The header length, and every digit of the JSON header (shapes and data offsets).
  const fields: Field[] = [{ offset: 0, width: 8 }];
  const headerEnd = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
  for (let i = 8; i < headerEnd; i++) {
    if ((bytes[i] as number) >= 0x30 && (bytes[i] as number) <= 0x39) fields.push({ offset: i, width: 1 });
  }
  return { name: 'safetensors', bytes, fields };
}

type Mutation = (bytes: Uint8Array) => { bytes: Uint8Array; what: string };

function mutations(next: () => number, target: Target): Mutation[] {
  const below = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[below(items.length)] as T;
  const deltas = [1n, -1n, 2n, -8n, 255n, 0x100n, 0x10000n, -0x10000n, 0x7fffffffn, 2n ** 32n, 2n ** 63n];
  return [
    (bytes) => {
      const out = bytes.slice();
      const count = 1 + below(4);
      const at: number[] = [];
      for (let i = 0; i < count; i++) {
        const position = below(out.length);
        out[position] = (out[position] as number) ^ (1 + below(255));
        at.push(position);
      }
      return { bytes: out, what: `flip bytes at ${at.join(',')}` };
    },
    (bytes) => {
      const length = below(bytes.length);
      return { bytes: bytes.slice(0, length), what: `truncate to ${length}` };
    },
    (bytes) => {
      // splice: a run of the file copied over another place in it
      const length = 1 + below(64);
      const from = below(bytes.length);
      const to = below(bytes.length);
      const out = bytes.slice();
      out.set(bytes.subarray(from, from + length).subarray(0, out.length - to), to);
      return { bytes: out, what: `copy ${length} bytes from ${from} to ${to}` };
    },
    (bytes) => {
      const at = below(bytes.length);
      const length = 1 + below(32);
      const inserted = Uint8Array.from({ length }, () => below(256));
      const out = new Uint8Array(bytes.length + length);
      out.set(bytes.subarray(0, at));
      out.set(inserted, at);
      out.set(bytes.subarray(at), at + length);
      return { bytes: out, what: `insert ${length} random bytes at ${at}` };
    },
    (bytes) => {
      const at = below(bytes.length);
      const length = 1 + below(32);
      const out = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + length)]);
      return { bytes: out, what: `delete ${length} bytes at ${at}` };
    },
    (bytes) => {
      const field = pick(target.fields);
      const delta = pick(deltas);
      const out = bytes.slice();
      const view = new DataView(out.buffer);
      const bits = BigInt(field.width * 8);
      const mask = (1n << bits) - 1n;
      let value = 0n;
      for (let i = field.width - 1; i >= 0; i--) value = (value << 8n) | BigInt(out[field.offset + i] ?? 0);
      value = (value + delta) & mask;
      for (let i = 0; i < field.width && field.offset + i < out.length; i++) {
        view.setUint8(field.offset + i, Number((value >> BigInt(8 * i)) & 0xffn));
      }
      return { bytes: out, what: `add ${delta} to the ${field.width}-byte field at ${field.offset}` };
    },
  ];
}

/** Reads every tensor the loaded value holds, as any consumer would. */
function consume(bytes: Uint8Array): void {
  const loaded = loadCheckpoint(bytes);
  for (const [, tensor] of flatten(loaded.value).tensors) tensor.contiguousBytes();
}

describe(`seeded mutation fuzz (seed ${seed})`, () => {
  const zip = torchZipTarget();
  const targets = [zip, legacyTarget(), safetensorsTarget(zip.bytes)];

  it.each(targets.map((t, index) => [t.name, t, index] as const))(
    '%s: every mutation loads or throws a CheckpointError',
    (name, target, index) => {
      consume(target.bytes); // the unmutated file loads
      const next = random(seed + index * 0x9e3779b9);
      const kinds = mutations(next, target);
      const outcomes = new Map<string, number>();
      for (let i = 0; i < mutationsPerFile; i++) {
        const { bytes, what } = (kinds[Math.floor(next() * kinds.length)] as Mutation)(target.bytes);
        const before = bytes.slice();
        const replay = `seed ${seed} (PTHLAB_FUZZ_SEED=${seed} replays it), ${name} mutation #${i}: ${what}`;
        let outcome = 'value';
        try {
          consume(bytes);
        } catch (error) {
          if (!(error instanceof CheckpointError)) {
            throw new Error(`${replay}: threw ${String(error)}`, { cause: error });
          }
          outcome = error.code;
        }
        expect(Buffer.compare(bytes, before), `${replay}: the input was modified`).toBe(0);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      // Both kinds of outcome happen: the mutations reach past the first check, and most are caught.
      const refused = mutationsPerFile - (outcomes.get('value') ?? 0);
      expect(outcomes.get('value') ?? 0, JSON.stringify([...outcomes])).toBeGreaterThan(0);
      expect(refused, JSON.stringify([...outcomes])).toBeGreaterThan(mutationsPerFile / 4);
      expect(outcomes.size, JSON.stringify([...outcomes])).toBeGreaterThan(3);
    },
    60_000,
  );
});
