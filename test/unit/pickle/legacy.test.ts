/**
 * Pickles that torch files rarely hold but the reader accepts: Python 2 strings (STRING, BINSTRING,
 * SHORT_BINSTRING with the load encoding), protocol 0 text opcodes, persistent ids as text, and plain
 * objects as inert records in every protocol. CPython is the reference: it loads the same bytes and
 * re-pickles what it got, and both must read the same.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../src/checkpoint/errors.ts';
import { readPickle, type PickleReadOptions } from '../../../src/checkpoint/pickle/read.ts';
import { PyObject, type PyValue } from '../../../src/checkpoint/values.ts';
import { get, hex, plain, python } from './helpers.ts';

/** Python 2 era pickles, written out by hand (Latin-1 strings stand for bytes). */
const legacy: Record<string, string> = {
  protocol0Dict:
    "(dp0\nS'key'\np1\nS'caf\\xc3\\xa9 \\'q\\' \\n\\101'\np2\nsS'n'\np3\nI-42\nsS'l'\np4\nL-12345678901234567890L\nsS't'\nI01\nsS'f'\np5\nF-1.25\nsS'u'\nV\\u00e9\\u20ac\\U0001f600\nsS'g'\ng2\ns.",
  protocol2Strings:
    '\x80\x02}q\x00(U\x03keyq\x01U\x02\xc3\xa9q\x02U\x01tq\x03T\x05\x00\x00\x00helloU\x01b\x88u.',
  builtinSet: '\x80\x02c__builtin__\nset\nq\x00]q\x01(K\x01K\x02e\x85q\x02Rq\x03.',
  latin1Only: "\x80\x02]q\x00(U\x02\xe9\xe8q\x01S'\\xff'\ne.",
};

let outputs: Map<string, Uint8Array>;

beforeAll(() => {
  const lines: string[] = [];
  for (const [name, text] of Object.entries(legacy)) {
    const bytes = hex(Uint8Array.from(text, (c) => c.charCodeAt(0)));
    lines.push(`b = bytes.fromhex('${bytes}')`);
    lines.push(`out['${name}'] = b`);
    lines.push(`out['${name}:latin1'] = pickle.dumps(pickle.loads(b, encoding='latin1'), protocol=2)`);
    lines.push(
      `try:\n    out['${name}:utf-8'] = pickle.dumps(pickle.loads(b, encoding='utf-8'), protocol=2)\nexcept UnicodeDecodeError: pass`,
    );
  }
  lines.push(`
class Point:
    def __init__(self): self.x, self.y = 1, [2.5, 'z']
for p in range(6): out['point@%d' % p] = pickle.dumps(Point(), protocol=p)
class Ext:
    def __init__(self, n): self.n = n
class Persisting(pickle.Pickler):
    def persistent_id(self, obj): return 'ext%d' % obj.n if isinstance(obj, Ext) else None
for p in (0, 2):
    buf = io.BytesIO(); Persisting(buf, protocol=p).dump({'a': Ext(1), 'b': [Ext(2)]}); out['persid@%d' % p] = buf.getvalue()`);
  outputs = python(lines.join('\n'));
}, 60_000);

const noStorages = (): never => {
  throw new Error('no persistent ids expected');
};
const read = (bytes: Uint8Array, extra: Partial<PickleReadOptions> = {}): PyValue =>
  readPickle(bytes, { mode: 'weights-only', persistentLoad: noStorages, label: 'legacy', ...extra });

describe('Python 2 strings and protocol 0 text opcodes', () => {
  for (const name of Object.keys(legacy)) {
    for (const encoding of ['latin1', 'utf-8'] as const) {
      it(`${name} with encoding ${encoding}`, () => {
        const reference = outputs.get(`${name}:${encoding}`);
        if (reference === undefined) {
          // CPython refused it (not valid UTF-8): so must we, with a CheckpointError.
          expect(() => read(get(outputs, name), { encoding })).toThrow(CheckpointError);
          return;
        }
        expect(plain(read(get(outputs, name), { encoding }))).toEqual(plain(read(reference)));
      });
    }
  }

  it('the encodings were exercised both ways', () => {
    expect(outputs.has('latin1Only:utf-8')).toBe(false);
    expect(read(get(outputs, 'latin1Only'), { encoding: 'latin1' })).toEqual(['éè', 'ÿ']);
  });
});

describe('persistent ids as text (PERSID) and as values (BINPERSID)', () => {
  it('both give the callback the id', () => {
    for (const protocol of [0, 2]) {
      const seen: PyValue[] = [];
      const value = read(get(outputs, `persid@${protocol}`), {
        persistentLoad: (pid) => {
          seen.push(pid);
          return `loaded ${String(pid)}`;
        },
      });
      expect(seen).toEqual(['ext1', 'ext2']);
      expect(plain(value)).toMatchObject({
        entries: [
          ['a', 'loaded ext1'],
          ['b', { list: ['loaded ext2'] }],
        ],
      });
    }
  });
});

describe('plain objects: inert records in every protocol', () => {
  it("refused in 'weights-only', naming the first global outside the allowlist", () => {
    for (let p = 0; p < 6; p++) {
      const named = p < 2 ? /GLOBAL copyreg\._reconstructor/ : /GLOBAL __main__\.Point/;
      expect(() => read(get(outputs, `point@${p}`))).toThrow(named);
    }
  });

  it('copyreg._reconstructor (0, 1), NEWOBJ (2, 3), STACK_GLOBAL + NEWOBJ (4, 5) give the same record', () => {
    const records = [0, 1, 2, 3, 4, 5].map((p) =>
      read(get(outputs, `point@${p}`), { mode: 'inert-objects' }),
    );
    for (const record of records) {
      expect(record).toBeInstanceOf(PyObject);
      expect(plain(record)).toEqual({
        object: '__main__.Point',
        args: [],
        state: {
          dict: 'dict',
          entries: [
            ['x', 1n],
            ['y', { list: [{ float: 2.5 }, 'z'] }],
          ],
          attributes: undefined,
        },
        kind: 'PyObject',
      });
    }
  });
});
