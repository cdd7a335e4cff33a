/**
 * Attacks on the reader: code-execution globals, calls and BUILDs on the wrong things, bad memo indices,
 * lying length fields, deep nesting, cycles, truncation at every byte and a seeded mutation fuzz. Every
 * outcome must be a value or a CheckpointError with the expected code: never another exception or a hang.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dtypeByName, type DTypeInfo } from '../../../src/checkpoint/dtype.ts';
import { CheckpointError, type CheckpointErrorCode } from '../../../src/checkpoint/errors.ts';
import { readPickle, readPickleAt, type PickleReadOptions } from '../../../src/checkpoint/pickle/read.ts';
import { StorageType } from '../../../src/checkpoint/pickle/refs.ts';
import { writePickle } from '../../../src/checkpoint/pickle/write.ts';
import {
  PyDict,
  PyObject,
  PyTuple,
  Storage,
  StoredTensor,
  type PyValue,
} from '../../../src/checkpoint/values.ts';
import { get, python } from './helpers.ts';

/** Pickle bytes from parts: strings are Latin-1 text (`'cos\nsystem\n'`), arrays are raw bytes. */
function p(...parts: (string | number[])[]): Uint8Array {
  const bytes: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') for (const ch of part) bytes.push(ch.charCodeAt(0));
    else bytes.push(...part);
  }
  return Uint8Array.from(bytes);
}

const float32 = dtypeByName('float32') as DTypeInfo;
const uint8 = dtypeByName('uint8') as DTypeInfo;

/** A persistentLoad that never trusts the id: bad ids and absurd sizes are CheckpointErrors. */
function guardedStorages(): (pid: PyValue) => Storage {
  const byKey = new Map<string, Storage>();
  return (pid) => {
    const items = pid instanceof PyTuple ? pid.items : [];
    const [, type, key, , numel] = items;
    if (!(type instanceof StorageType) || typeof key !== 'string' || typeof numel !== 'bigint') {
      throw new CheckpointError('pickle-malformed', 'bad persistent id');
    }
    const dtype = type.dtype ?? uint8;
    if (numel < 0n || numel > 1_000_000n) throw new CheckpointError('limit-exceeded', 'storage too large');
    const seen = byKey.get(key);
    if (seen !== undefined) return seen;
    const storage = new Storage(dtype, new Uint8Array(Number(numel) * dtype.itemsize));
    byKey.set(key, storage);
    return storage;
  };
}

function options(
  mode: PickleReadOptions['mode'] = 'weights-only',
  extra: Partial<PickleReadOptions> = {},
): PickleReadOptions {
  return { mode, label: 'evil.pkl', persistentLoad: guardedStorages(), ...extra };
}

/** The CheckpointError `read` throws; fails the test on success or on any other exception. */
function failure(bytes: Uint8Array, opts: PickleReadOptions = options()): CheckpointError {
  try {
    readPickle(bytes, opts);
  } catch (error) {
    if (error instanceof CheckpointError) return error;
    throw error;
  }
  throw new Error('the pickle was accepted');
}

function expectCode(bytes: Uint8Array, code: CheckpointErrorCode, opts?: PickleReadOptions): CheckpointError {
  const error = failure(bytes, opts);
  expect(error.code, error.message).toBe(code);
  expect(error.at).toMatch(/^evil\.pkl@\d+$/);
  return error;
}

describe('globals that would run code are refused in both modes', () => {
  const attacks: [string, Uint8Array][] = [
    ['os.system', p([0x80, 2], 'cos\nsystem\nX', [2, 0, 0, 0], 'ls\x85R.')],
    ['posix.system', p("cposix\nsystem\n(S'id'\ntR.")],
    ['nt.system', p('cnt\nsystem\n.')],
    ['builtins.eval', p('c__builtin__\neval\n.')],
    ['builtins.exec', p('cbuiltins\nexec\n.')],
    ['builtins.getattr', p('c__builtin__\ngetattr\n.')],
    ['builtins.__import__', p('cbuiltins\n__import__\n.')],
    ['subprocess.Popen', p('csubprocess\nPopen\n.')],
    ['sys.modules', p('csys\nmodules\n.')],
    ['os.path.join', p('cos.path\njoin\n.')],
    ['STACK_GLOBAL os.system', p([0x80, 4, 0x8c, 2], 'os', [0x8c, 6], 'system', [0x93], '.')],
    ['STACK_GLOBAL builtins.getattr', p([0x8c, 8], 'builtins', [0x8c, 7], 'getattr', [0x93], '.')],
  ];
  for (const [name, bytes] of attacks) {
    it(name, () => {
      for (const mode of ['weights-only', 'inert-objects'] as const) {
        const error = expectCode(bytes, 'unsupported-global', options(mode));
        expect(error.message).toContain(name.replace('STACK_GLOBAL ', ''));
      }
    });
  }

  it("other globals: refused in 'weights-only', inert and never called in 'inert-objects'", () => {
    const bytes = p('ctorch\nload\nX', [4, 0, 0, 0], 'x.pt\x85R.');
    expect(expectCode(bytes, 'unsupported-global').message).toContain('torch.load');
    const inert = readPickle(bytes, options('inert-objects'));
    expect(inert).toBeInstanceOf(PyObject);
    expect(inert).toMatchObject({ module: 'torch', name: 'load', args: ['x.pt'] });
    expectCode(p('ccopyreg\n_reconstructor\n.'), 'unsupported-global');
    expectCode(p('c__builtin__\nobject\n.'), 'unsupported-global');
    expectCode(p('c__builtin__\nbytes\n)R.'), 'unsupported-global');
  });
});

describe('calls and BUILD only where the table allows', () => {
  it('REDUCE/NEWOBJ on values that are not callable', () => {
    expectCode(p('N)R.'), 'disallowed-call');
    expectCode(p('X', [1, 0, 0, 0], 'f)R.'), 'disallowed-call');
    expectCode(p('ctorch\nfloat32\n)R.'), 'disallowed-call');
    expectCode(p('ctorch\nFloatStorage\n)R.'), 'disallowed-call');
    expectCode(p('ctorch\nTensor\n)R.'), 'disallowed-call');
    expectCode(p('c_codecs\nencode\n)\x81.'), 'disallowed-call'); // NEWOBJ on a function
    expectCode(p('ccollections\nOrderedDict\n)R)R.'), 'disallowed-call'); // calling the result
    expectCode(p('ccollections\nOrderedDict\n]R.'), 'pickle-malformed'); // args not a tuple
  });

  it('BUILD on tensors, strings, lists, plain dicts and classes', () => {
    const tensor = writePickle(new StoredTensor(new Storage(float32, new Uint8Array(8)), [2])).bytes;
    const withBuild = Uint8Array.from([...tensor.subarray(0, -1), 0x7d, 0x62, 0x2e]); // } b .
    expectCode(withBuild, 'disallowed-call');
    expectCode(p('X', [1, 0, 0, 0], 'a}b.'), 'disallowed-call');
    expectCode(p(']}b.'), 'disallowed-call');
    expectCode(p('}}b.'), 'disallowed-call');
    expectCode(p('ctorch\nSize\n}b.'), 'disallowed-call');
    expectCode(p('ccollections\nOrderedDict\n)R]b.'), 'pickle-malformed');
  });

  it('tensor rebuilds check their arguments', () => {
    const v2 = 'ctorch._utils\n_rebuild_tensor_v2\n';
    const pid =
      '(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQ';
    const hooks = 'ccollections\nOrderedDict\n)R';
    expect(readPickle(p(`${v2}(${pid}K\x00K\x04\x85K\x01\x85\x89${hooks}tR.`), options())).toBeInstanceOf(
      StoredTensor,
    );
    expectCode(p(`${v2}(NK\x00K\x04\x85K\x01\x85\x89${hooks}tR.`), 'disallowed-call'); // storage None
    expectCode(p(`${v2}(${pid}K\x00K\x05\x85K\x01\x85\x89${hooks}tR.`), 'bad-tensor'); // view too large
    expectCode(p(`${v2}(${pid}K\x00X\x01\x00\x00\x00aK\x01\x85\x89${hooks}tR.`), 'disallowed-call');
    expectCode(
      p(`${v2}(${pid}K\x00K\x04\x85K\x01\x85\x89${hooks}}X\x04\x00\x00\x00zzzz\x88stR.`),
      'unsupported-value', // metadata other than conj/neg
    );
    expectCode(p(`${v2}(${pid}K\x00K\x04\x85K\x01\x85K\x01${hooks}tR.`), 'disallowed-call'); // requires_grad int
    const v3 = 'ctorch._utils\n_rebuild_tensor_v3\n';
    const untyped =
      '(X\x07\x00\x00\x00storagectorch.storage\nUntypedStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x05tQ';
    expectCode(p(`${v3}(${untyped}K\x00K\x02\x85K\x01\x85\x89${hooks}ctorch\nuint16\ntR.`), 'storage-size');
    expectCode(p('ctorch._utils\n_rebuild_sparse_tensor\n)R.'), 'unsupported-value');
  });
});

describe('structure: memo, stack, marks, lengths, limits', () => {
  it('memo indices must exist', () => {
    expectCode(p('h\x05.'), 'pickle-malformed');
    expectCode(p('j\xff\xff\xff\xff.'), 'pickle-malformed');
    expectCode(p('g12\n.'), 'pickle-malformed');
    expectCode(p('Nq\x00h\x01.'), 'pickle-malformed');
  });

  it('stack underflow, missing MARK, the MARK fence', () => {
    for (const bytes of [
      '.',
      'a.',
      ']a.',
      'R.',
      '0.',
      't.',
      'e.',
      'u.',
      '(.',
      ']N(a.',
      'N(s.',
      '\x85.',
      '\x87.',
    ]) {
      expectCode(p(bytes), 'pickle-malformed');
    }
  });

  it('no STOP, trailing bytes, chained pickles', () => {
    expect(() => readPickleAt(p('N.'), 3, options())).toThrow(CheckpointError);
    expect(() => readPickleAt(p('N.'), -1, options())).toThrow(CheckpointError);
    expectCode(p(''), 'truncated');
    expectCode(p('N'), 'truncated');
    expectCode(p('N.N.'), 'pickle-malformed');
    const first = readPickleAt(p('K\x07.K\x08.'), 0, options());
    expect(first).toEqual({ value: 7n, end: 3 });
    expect(readPickleAt(p('K\x07.K\x08.'), first.end, options())).toEqual({ value: 8n, end: 6 });
  });

  it('length fields past the end are truncation, before any allocation', () => {
    expectCode(p('X\xff\xff\xff\xff'), 'truncated');
    expectCode(p('X\x05\x00\x00\x00abc'), 'truncated');
    expectCode(p('\x8d\xff\xff\xff\xff\xff\xff\xff\xff'), 'truncated');
    expectCode(p('\x8e\x00\x00\x00\x00\x00\x00\x00\x01'), 'truncated');
    expectCode(p('\x95\xff\xff\xff\xff\xff\xff\xff\x7fN.'), 'truncated');
    expectCode(p('T\xff\xff\xff\x7f'), 'truncated');
    expectCode(p('\x8b\xff\xff\xff\x7f'), 'truncated');
    expectCode(p('T\xff\xff\xff\xff.'), 'pickle-malformed'); // negative length
    expectCode(p('cos'), 'truncated');
  });

  it('configured limits', () => {
    const limits = (l: Partial<NonNullable<PickleReadOptions['limits']>>) =>
      options('weights-only', { limits: l });
    expectCode(p('X\x05\x00\x00\x00hello.'), 'limit-exceeded', limits({ maxStringBytes: 4 }));
    expectCode(p('N'.repeat(200), '.'), 'limit-exceeded', limits({ maxStack: 100 }));
    expectCode(p('(N'.repeat(60), '.'), 'limit-exceeded', limits({ maxStack: 100 }));
    expectCode(p('N', 'q\x00q\x01q\x02q\x03q\x04q\x05', '.'), 'limit-exceeded', limits({ maxMemo: 5 }));
    expectCode(p('](NNNNNe.'), 'limit-exceeded', limits({ maxContainerItems: 4 }));
    expectCode(p('\x8a\x09', '\x00'.repeat(9), '.'), 'limit-exceeded', limits({ maxIntBytes: 8 }));
    expectCode(p(`L${'9'.repeat(100)}L\n.`), 'limit-exceeded', limits({ maxIntBytes: 50 }));
  });

  it('refused opcodes are named with their offset', () => {
    const cases: [string, RegExp][] = [
      ['\x82\x01', /EXT1/],
      ['\x84\x01\x00\x00\x00', /EXT4/],
      ['(iamod\ncls\n', /INST/],
      ['(o', /OBJ/],
      ['\x97', /NEXT_BUFFER/],
      ['N\x98', /READONLY_BUFFER/],
      ['\xff', /unknown opcode 0xff/],
    ];
    for (const [bytes, name] of cases) {
      const error = expectCode(p(bytes), 'pickle-opcode');
      expect(error.message).toMatch(name);
    }
    expect(failure(p('N\x98')).at).toBe('evil.pkl@1');
    expectCode(p('\x80\x06N.'), 'pickle-malformed');
  });

  it('dict keys: unhashable refused, __proto__ and constructor are plain keys', () => {
    expectCode(p('}]Ns.'), 'pickle-malformed');
    expectCode(p('}]\x85Ns.'), 'pickle-malformed'); // a tuple holding a list
    expectCode(p('}}Ns.'), 'pickle-malformed');
    expectCode(p('\x8f(]\x90.'), 'pickle-malformed'); // set of a list
    const dict = readPickle(
      p('}(X\t\x00\x00\x00__proto__K\x01X\x0b\x00\x00\x00constructorK\x02u.'),
      options(),
    ) as PyDict;
    expect(dict.get('__proto__')).toBe(1n);
    expect(dict.get('constructor')).toBe(2n);
    expect(Object.getPrototypeOf(dict)).toBe(PyDict.prototype);
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });

  it('deep nesting is a limit error, never a stack overflow', () => {
    const n = 100_000;
    expectCode(p(']'.repeat(n), 'a'.repeat(n - 1), '.'), 'limit-exceeded');
    expectCode(p(')', '\x85'.repeat(n), '.'), 'limit-exceeded');
    expectCode(p('('.repeat(n), 'l'.repeat(n), '.'), 'limit-exceeded');
    expectCode(p('}', '}'.repeat(n)), 'truncated');
    // Depth through shared containers counts too, and sharing keeps the check linear: each list holds
    // the previous one twice (a tree of 2^levels nodes, a DAG of `levels`).
    const doubling = (levels: number): Uint8Array => {
      const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
      const parts: number[][] = [[0x5d, 0x72, ...u32(0)]];
      for (let i = 1; i <= levels; i++) {
        parts.push([0x5d, 0x28, 0x6a, ...u32(i - 1), 0x6a, ...u32(i - 1), 0x65, 0x72, ...u32(i)]);
      }
      return p(...parts, '.');
    };
    expectCode(doubling(1500), 'limit-exceeded');
    expect(readPickle(doubling(900), options())).toHaveLength(2);
    const shallow = readPickle(p('('.repeat(1000), 'N.'), options());
    expect(shallow).toBeNull();
  });

  it(
    'one large value handed to many calls through the memo is a limit, not quadratic work',
    { timeout: 30_000 },
    () => {
      const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
      const big = 'x'.repeat(100_000);
      // `_codecs.encode(big)` 20,000 times: 2 GB of output from a 240 kB pickle.
      const encodes = p(
        'c_codecs\nencode\nq\x00X',
        u32(big.length),
        big,
        'q\x01',
        'h\x00h\x01\x85R0'.repeat(20_000),
        'N.',
      );
      expectCode(encodes, 'limit-exceeded');
      // A 50,000-item tuple used as a dict key 20,000 times: checked once, then cached.
      const tupleKey = p('}(', 'N'.repeat(50_000), 'tq\x00', '0', 'h\x00Ns'.repeat(20_000), '.');
      expect((readPickle(tupleKey, options()) as PyDict).size).toBe(1);
      // BUILD of a 20,000-entry state onto an OrderedDict 20,000 times.
      const key = (i: number) => `\x8c\x04${i.toString(36).padStart(4, '0')}N`;
      const entries = Array.from({ length: 20_000 }, (_, i) => key(i)).join('');
      const builds = p('ccollections\nOrderedDict\n)R}q\x00(', entries, 'u0', 'h\x00b'.repeat(20_000), '.');
      expectCode(builds, 'limit-exceeded');
    },
  );

  it('containers that hold themselves are refused', () => {
    expectCode(p(']q\x00h\x00a.'), 'pickle-malformed');
    expectCode(p('}q\x00K\x01h\x00s.'), 'pickle-malformed');
    expectCode(p(']q\x00h\x00\x85a.'), 'pickle-malformed'); // through a tuple
  });
});

describe('real pickles, cut and mutated', () => {
  let pickles: Uint8Array[];

  beforeAll(() => {
    const out = python(`
import torch, torch.nn as nn
m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
o = torch.optim.Adam(m.parameters())
m(torch.ones(4, 2)).sum().backward(); o.step()
torch_pkl('checkpoint', {'epoch': 2, 'model': m.state_dict(), 'opt': o.state_dict(), 'loss': 0.5, 'b': b'xy', 'big': -2**70})
torch_pkl('p4', m.state_dict(), pickle_protocol=4)
out['plain0'] = pickle.dumps({'a': [1, 2.5, 'x', (None, True)], 'b': {3, 4}}, protocol=0)`);
    pickles = ['checkpoint', 'p4', 'plain0'].map((name) => get(out, name));
  }, 120_000);

  it('every truncation is a CheckpointError', { timeout: 60_000 }, () => {
    for (const bytes of pickles) {
      expect(() => readPickle(bytes, options())).not.toThrow();
      for (let end = 0; end < bytes.length; end++) {
        const error = failure(bytes.subarray(0, end));
        expect(['truncated', 'pickle-malformed']).toContain(error.code);
      }
    }
  });

  it('a seeded mutation fuzz: a value or a CheckpointError, nothing else', { timeout: 120_000 }, () => {
    let seed = 0x9e3779b9;
    const random = (): number => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const codes = new Map<string, number>();
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const source = pickles[i % pickles.length] as Uint8Array;
      const bytes = Array.from(source);
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * bytes.length);
        const kind = random();
        if (kind < 0.6) bytes[at] = Math.floor(random() * 256);
        else if (kind < 0.8) bytes.splice(at, 1);
        else bytes.splice(at, 0, Math.floor(random() * 256));
      }
      for (const mode of ['weights-only', 'inert-objects'] as const) {
        try {
          readPickle(Uint8Array.from(bytes), options(mode));
          accepted++;
        } catch (error) {
          if (!(error instanceof CheckpointError)) {
            throw new Error(`mutation ${i}: ${String(error)}`, { cause: error });
          }
          codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
        }
      }
    }
    // The fuzz reached many distinct checks, and some mutations (e.g. changed numbers) still load.
    expect(codes.size).toBeGreaterThanOrEqual(5);
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('performance', () => {
  it('a state_dict of 5000 tensors parses in well under a second', () => {
    const storage = new Storage(float32, new Uint8Array(64));
    const sd = new PyDict('OrderedDict');
    for (let i = 0; i < 5000; i++)
      sd.set(`layer${i}.weight`, new StoredTensor(new Storage(float32, storage.bytes), [4, 4]));
    const { bytes } = writePickle(sd);
    const start = performance.now();
    const back = readPickle(bytes, options()) as PyDict;
    const elapsed = performance.now() - start;
    expect(back.size).toBe(5000);
    expect(elapsed).toBeLessThan(1000);
  });
});
