/**
 * Issue 13 in the library: files whose cost to a naive reader is far beyond their size end, quickly, in a
 * value or a typed CheckpointError. Each case states the shape it attacks at the size; the time
 * ceilings are generous (the machine is shared and noisy) and only catch 2^32 blow-ups, not speed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  PyDict,
  PyTuple,
  Storage,
  StoredTensor,
  dtypeInfo,
  loadCheckpoint,
  readZipDirectory,
  saveTorchZip,
  writeSafetensors,
  type ByteSource,
  type CheckpointErrorCode,
} from '../../../src/checkpoint/index.ts';
import { digestCheckpoint, digestTensor } from '../../../src/checkpoint/inspect/digest.ts';
import { flatten } from '../../../src/checkpoint/inspect/flatten.ts';
import { Sha256 } from '../../../src/checkpoint/inspect/sha256.ts';
import { formatTable } from '../../../src/cli/table.ts';
import { craftZip } from '../zip/craft.ts';
import {
  commentedZip,
  dagDictLegacy,
  dagDictZip,
  dagModuleZip,
  deflatedRun,
  expandedZip,
  manyAttributesZip,
  tupleKeyZip,
  zipWithoutEnd,
} from './hostile-files.ts';
import { latin1 } from './torch-files.ts';

const ceilingMs = 10_000;

/** Runs `work`, which must end within the ceiling; returns its CheckpointError's code or 'ok'. */
async function outcome(work: () => unknown): Promise<CheckpointErrorCode | 'ok'> {
  const start = performance.now();
  try {
    await work();
    return 'ok';
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    return error.code;
  } finally {
    expect(performance.now() - start).toBeLessThan(ceilingMs);
  }
}

const digest = async (bytes: Uint8Array) => {
  const loaded = loadCheckpoint(bytes);
  return digestCheckpoint(loaded.format, loaded.value);
};

describe('1. shared structure is measured once, never walked as a tree', () => {
  it('32 dicts each holding the previous twice: loaded, then refused by every walk', async () => {
    const bytes = dagDictZip(32);
    expect(bytes.length).toBeLessThan(4096);
    expect(await outcome(() => loadCheckpoint(bytes))).toBe('ok');
    expect(await outcome(() => flatten(loadCheckpoint(bytes).value))).toBe('limit-exceeded');
    expect(await outcome(() => digest(bytes))).toBe('limit-exceeded');
    expect(await outcome(() => digest(dagDictLegacy(32)))).toBe('limit-exceeded');
  });

  it('a small DAG reports every path, and its one tensor is hashed once', async () => {
    const result = await digest(dagDictZip(3));
    expect([...result.tensors.keys()]).toEqual([
      'a.a.a.t',
      'a.a.b.t',
      'a.b.a.t',
      'a.b.b.t',
      'b.a.a.t',
      'b.a.b.t',
      'b.b.a.t',
      'b.b.b.t',
    ]);
    expect(new Set(result.tensors.values()).size).toBe(1);
  });

  it('a whole pickled module holding its child twice, 32 deep: refused inside loadCheckpoint', async () => {
    expect(await outcome(() => loadCheckpoint(dagModuleZip(32)))).toBe('limit-exceeded');
    const small = loadCheckpoint(dagModuleZip(2));
    expect([...(small.value as PyDict).keys()]).toEqual(['a.a.w', 'a.b.w', 'b.a.w', 'b.b.w']);
  });

  it('a tuple DAG as a dict key: hashed once per tuple; its 2^32-part text is refused', async () => {
    const bytes = tupleKeyZip(32);
    expect(await outcome(() => loadCheckpoint(bytes))).toBe('ok');
    const key = [...(loadCheckpoint(bytes).value as PyDict).keys()][0];
    expect(key).toBeInstanceOf(PyTuple);
    expect(await outcome(() => flatten(loadCheckpoint(bytes).value))).toBe('limit-exceeded');
  });
});

describe('2. lazy views stay lazy', () => {
  it('2^28 elements of one float, negated: loads without a copy and digests in chunks', async () => {
    const bytes = expandedZip([2 ** 28], true);
    expect(bytes.length).toBeLessThan(1024);
    const tensor = (loadCheckpoint(bytes).value as PyDict).get('x') as StoredTensor;
    expect(tensor.neg).toBe(true);
    expect(tensor.storage.bytes.length).toBe(4);
    // Node's SHA-256, as the CLI uses it; the portable one is checked against it below on less data.
    const newHash = () => createHash('sha256');
    expect(await outcome(() => digestTensor(tensor, { newHash }))).toBe('ok');
  }, 60_000);

  it("the portable SHA-256 equals Node's over chunks of every alignment", () => {
    const data = Uint8Array.from({ length: 200_003 }, (_, i) => (i * 7919) % 251);
    for (const cut of [0, 1, 63, 64, 65, 4097]) {
      const hash = new Sha256();
      hash.update(data.subarray(0, cut));
      hash.update(data.subarray(cut));
      expect(Buffer.from(hash.digest()).toString('hex')).toBe(
        createHash('sha256').update(data).digest('hex'),
      );
    }
  }, 60_000);

  it('2^42 elements: every read is refused with a typed error, none crashes', async () => {
    const tensor = (loadCheckpoint(expandedZip([2 ** 21, 2 ** 21], false)).value as PyDict).get(
      'x',
    ) as StoredTensor;
    expect(await outcome(() => tensor.contiguousBytes())).toBe('limit-exceeded');
    expect(await outcome(() => digestTensor(tensor))).toBe('limit-exceeded');
    expect(await outcome(() => writeSafetensors([['x', tensor]]))).toBe('limit-exceeded');
  });

  it('the neg and conj bits apply on every read of the elements, and survive a write', () => {
    const storage = new Storage(
      dtypeInfo('complex64'),
      new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer),
    );
    const read = (neg: boolean, conj: boolean) => [
      ...new Float32Array(
        new StoredTensor(storage, [2], [1], 0, false, false, undefined, { neg, conj })
          .contiguousBytes()
          .slice().buffer,
      ),
    ];
    expect(read(true, false)).toEqual([-1, -2, -3, -4]);
    expect(read(false, true)).toEqual([1, -2, 3, -4]);
    expect(read(true, true)).toEqual([-1, 2, -3, 4]);
    const floats = new Storage(dtypeInfo('float64'), new Uint8Array(new Float64Array([1.5, -2]).buffer));
    const negated = new StoredTensor(floats, [3, 2], [0, 1], 0, false, false, undefined, {
      neg: true,
      conj: false,
    });
    expect([...new Float64Array(negated.contiguousBytes().slice().buffer)]).toEqual([
      -1.5, 2, -1.5, 2, -1.5, 2,
    ]);
    // Written as torch writes it (the bit in `_rebuild_tensor_v2`'s metadata), the view stays lazy.
    const back = (loadCheckpoint(saveTorchZip(new PyDict('dict', [['n', negated]]))).value as PyDict).get(
      'n',
    ) as StoredTensor;
    expect([back.neg, back.storage.bytes.length, [...back.stride]]).toEqual([true, 16, [0, 1]]);
    expect(back.contiguousBytes()).toEqual(negated.contiguousBytes());
  });
});

describe('3. no argument list grows with the data', () => {
  it('an OrderedDict with 300,000 BUILD attributes loads (as in torch)', async () => {
    const bytes = manyAttributesZip(300_000);
    expect(await outcome(() => loadCheckpoint(bytes))).toBe('ok');
    expect((loadCheckpoint(bytes).value as PyDict).attributes?.size).toBe(300_000);
  }, 60_000);

  it('a table of 200,000 rows', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`k${i}`, 'float32']);
    expect(formatTable(['key', 'dtype'], rows, [false, false]).split('\n')).toHaveLength(200_002);
  });
});

/** A file in memory that counts the bytes asked of it, as a file on disk would read them. */
function countingSource(bytes: Uint8Array): ByteSource & { asked: number } {
  const source = {
    length: bytes.length,
    asked: 0,
    bytes(offset: number, length: number) {
      source.asked += length;
      return bytes.subarray(offset, offset + length);
    },
  };
  return source;
}

describe('4. the end record is found in one read of the tail', () => {
  it('1 MiB that starts like a zip and has no end record: truncated, 64 KiB read', async () => {
    const source = countingSource(zipWithoutEnd(1 << 20));
    expect(await outcome(() => readZipDirectory(source))).toBe('truncated');
    expect(source.asked).toBeLessThan(70_000);
  });

  it('a valid checkpoint with a 64 KiB zip comment loads, reading the tail once', async () => {
    const bytes = commentedZip(1 << 20, 65535);
    const source = countingSource(bytes);
    readZipDirectory(source);
    expect(source.asked).toBeLessThan(70_000 + 1000);
    expect(await outcome(() => loadCheckpoint(bytes))).toBe('ok');
  });
});

describe('6. records are capped before they are inflated', () => {
  const entry = (name: string, payload: Uint8Array, size = payload.length, method = 0) => ({
    name: `archive/${name}`,
    payload,
    size,
    method,
  });

  it('a byteorder record declaring 1 GiB is refused for its size, before any inflating', async () => {
    // Not even a deflate stream: only the declared size is looked at.
    const bytes = craftZip([
      entry('data.pkl', latin1('\x80\x02}.')),
      entry('byteorder', new Uint8Array(1_100_000).fill(7), 2 ** 30, 8),
      entry('version', latin1('3\n')),
    ]);
    expect(await outcome(() => loadCheckpoint(bytes))).toBe('zip-malformed');
  });

  it('a 64 MiB deflated data.pkl that is bad at its first byte stops at the first slice', async () => {
    const payload = deflatedRun(0xff, 64 << 20);
    const bytes = craftZip([entry('data.pkl', payload, 64 << 20, 8), entry('version', latin1('3\n'))]);
    expect(await outcome(() => loadCheckpoint(bytes))).toBe('pickle-opcode');
  }, 60_000);
});

describe('8. writes that torch tools could not read back', () => {
  it('complex64 is not written to safetensors (the safetensors library cannot read C64)', () => {
    const t = new StoredTensor(new Storage(dtypeInfo('complex64'), new Uint8Array(8)), [1]);
    expect(() => writeSafetensors([['z', t]])).toThrow(/C64/);
  });
});
