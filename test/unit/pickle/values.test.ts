/**
 * Plain Python values through the reader (protocols 0 to 5 from real CPython) and the writer (byte for
 * byte what CPython's protocol 2 pickler emits for the same values).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readPickle } from '../../../src/checkpoint/pickle/read.ts';
import { writePickle } from '../../../src/checkpoint/pickle/write.ts';
import { PyDict, PyTuple, type PyValue } from '../../../src/checkpoint/values.ts';
import { get, hex, plain, python } from './helpers.ts';

const intCases = [
  '0', '1', '127', '128', '255', '256', '65535', '65536', '-1', '-128', '-129', '-256', '-257', '-32768',
  '-32769', '2**31-1', '2**31', '-2**31', '-2**31-1', '2**32', '2**63-1', '2**63', '-2**63', '-2**63-1',
  '2**64', '-(2**64)', '2**2039-1', '2**2040', '-(2**2040)', '2**2050', '-(2**2050)',
]; // prettier-ignore

/** Python expressions, each pickled with every protocol; `writable` ones must also round-trip exactly. */
const cases: Record<string, { expr: string; writable: boolean }> = {
  ints: { expr: `[${intCases.join(', ')}]`, writable: true },
  floats: {
    expr: "[0.0, -0.0, 1.5, -2.0, 1e300, 5e-324, float('nan'), float('inf'), float('-inf'), 0.1, 1.0]",
    writable: true,
  },
  strings: {
    expr: "['', 'a', 'é', 'ÿ', '日本語', '😀', 'x' * 300, 'cpu', 'cpu', 'a', '__proto__', 'constructor', '\\ud800x']",
    writable: true,
  },
  nested: {
    expr: "{'a': {'b': [1, (2, 3), (), (4, 5, 6, 7), [None, True, False]]}, 'c': None, '': 'empty key'}",
    writable: true,
  },
  intKeys: { expr: "{0: 'x', 1: 'y', -5: 'z', 2**40: 'w', 'mixed': 1, (1, 'a'): 2}", writable: true },
  dict1: { expr: "{'only': 1}", writable: true },
  dict1000: { expr: "{'k%d' % i: i for i in range(1000)}", writable: true },
  dict1001: { expr: "{'k%d' % i: i for i in range(1001)}", writable: true },
  dict2000: { expr: "{'k%d' % i: -i for i in range(2000)}", writable: true },
  list1: { expr: '[[7]]', writable: true },
  list1000: { expr: 'list(range(1000))', writable: true },
  list1001: { expr: 'list(range(1001))', writable: true },
  list2001: { expr: '[i * 1.5 for i in range(2001)]', writable: true },
  memo: {
    expr: "(lambda a, t: [a, t, t, a, {'k': t}])(['s%d' % i for i in range(300)], ('tail', 1))",
    writable: true,
  },
  orderedDict: {
    expr: "(lambda od: (setattr(od, '_metadata', collections.OrderedDict([('', {'version': 1}), ('fc', {'version': 1})])), od)[1])(collections.OrderedDict([('w', 1), ('b', [1.5])]))",
    writable: true,
  },
  orderedDictEmpty: { expr: 'collections.OrderedDict()', writable: true },
  orderedDict1: { expr: "collections.OrderedDict([('x', None)])", writable: true },
  orderedDict1000: { expr: "collections.OrderedDict(('k%d' % i, i) for i in range(1000))", writable: true },
  orderedDict1001: { expr: "collections.OrderedDict(('k%d' % i, i) for i in range(1001))", writable: true },
  counter: { expr: "collections.Counter({'a': 2, 'b': 5})", writable: true },
  set: { expr: '{1, 2, 3}', writable: true },
  complex: { expr: '[1.5-2j, complex(0, 1)]', writable: true },
  bytes: { expr: "[b'ab\\x00\\xff\\x80', b'a', 'a', b'ab', 'ab']", writable: true },
  frozenset: { expr: 'frozenset([1, 2])', writable: false },
  torchValues: {
    expr: "(lambda torch: [torch.device('cpu'), torch.device('cuda', 1), torch.float16, torch.bfloat16, torch.float16, torch.device('cpu')])(__import__('torch'))",
    writable: true,
  },
  torchSize: { expr: "__import__('torch').Size([2, 3])", writable: false },
};

const protocols = [0, 1, 2, 3, 4, 5];
let outputs: Map<string, Uint8Array>;

beforeAll(() => {
  const lines = Object.entries(cases).map(
    ([name, { expr }]) =>
      `v = ${expr}\nfor p in range(6): out['${name}@%d' % p] = pickle.dumps(v, protocol=p)`,
  );
  lines.push(`out['ints-decimal'] = ' '.join(map(str, ${cases.ints?.expr})).encode()`);
  outputs = python(lines.join('\n'));
}, 60_000);

const noStorages = (): never => {
  throw new Error('no persistent ids expected');
};
const read = (bytes: Uint8Array): PyValue =>
  readPickle(bytes, { mode: 'weights-only', persistentLoad: noStorages, label: 'test' });

describe('reader: every protocol gives the same value', () => {
  for (const name of Object.keys(cases)) {
    it(name, () => {
      const reference = plain(read(get(outputs, `${name}@2`)));
      for (const p of protocols)
        expect(plain(read(get(outputs, `${name}@${p}`))), `protocol ${p}`).toEqual(reference);
    });
  }
});

describe('reader: values match what Python pickled', () => {
  it('ints are exact bigints, negatives two-complement', () => {
    // Python's own decimal rendering of the same ints.
    const decimal = new TextDecoder().decode(get(outputs, 'ints-decimal'));
    const expected = decimal.split(' ').map((text) => BigInt(text));
    expect(expected).toHaveLength(intCases.length);
    expect(read(get(outputs, 'ints@2'))).toEqual(expected);
    expect(read(get(outputs, 'ints@0'))).toEqual(expected);
  });

  it('floats keep -0.0, NaN and infinities', () => {
    const floats = read(get(outputs, 'floats@2')) as number[];
    expect(Object.is(floats[1], -0)).toBe(true);
    expect(floats[6]).toBeNaN();
    expect(floats.slice(7, 9)).toEqual([Infinity, -Infinity]);
    expect(floats[5]).toBe(5e-324);
    expect(plain(read(get(outputs, 'floats@0')))).toEqual(plain(floats));
  });

  it('strings decode UTF-8 including a lone surrogate (surrogatepass)', () => {
    const strings = read(get(outputs, 'strings@2')) as string[];
    expect(strings).toEqual([
      '',
      'a',
      'é',
      'ÿ',
      '日本語',
      '😀',
      'x'.repeat(300),
      'cpu',
      'cpu',
      'a',
      '__proto__',
      'constructor',
      '\ud800x',
    ]);
  });

  it('dicts are Maps: int and tuple keys stay typed, __proto__ is an ordinary key', () => {
    const dict = read(get(outputs, 'intKeys@2')) as PyDict;
    expect([...dict.keys()].slice(0, 5)).toEqual([0n, 1n, -5n, 2n ** 40n, 'mixed']);
    const tupleKey = [...dict.keys()][5];
    expect(tupleKey).toBeInstanceOf(PyTuple);
    const strings = read(get(outputs, 'nested@2')) as PyDict;
    expect(strings.kind).toBe('dict');
    expect(Object.getPrototypeOf(strings)).toBe(PyDict.prototype);
  });

  it('OrderedDict BUILD sets attributes (_metadata)', () => {
    const od = read(get(outputs, 'orderedDict@2')) as PyDict;
    expect(od.kind).toBe('OrderedDict');
    expect([...od.keys()]).toEqual(['w', 'b']);
    const metadata = od.attributes?.get('_metadata') as PyDict;
    expect(metadata.kind).toBe('OrderedDict');
    expect(plain(metadata.get('fc') as PyValue)).toEqual({
      dict: 'dict',
      entries: [['version', 1n]],
      attributes: undefined,
    });
  });

  it('Counter, set, frozenset, complex, bytes, torch values', () => {
    expect(plain(read(get(outputs, 'counter@2')))).toMatchObject({
      dict: 'Counter',
      entries: [
        ['a', 2n],
        ['b', 5n],
      ],
    });
    expect(plain(read(get(outputs, 'set@4')))).toEqual({ set: [1n, 2n, 3n], frozen: false });
    expect(plain(read(get(outputs, 'frozenset@4')))).toEqual({ set: [1n, 2n], frozen: true });
    expect(plain(read(get(outputs, 'complex@2')))).toEqual({
      list: [{ complex: [1.5, -2] }, { complex: [0, 1] }],
    });
    expect(plain(read(get(outputs, 'bytes@2')))).toEqual({
      list: [{ bytes: '6162 00ff80'.replace(' ', '') }, { bytes: '61' }, 'a', { bytes: '6162' }, 'ab'],
    });
    expect(plain(read(get(outputs, 'torchValues@2')))).toEqual({
      list: [
        { device: 'cpu' },
        { device: 'cuda:1' },
        { dtype: 'float16' },
        { dtype: 'bfloat16' },
        { dtype: 'float16' },
        { device: 'cpu' },
      ],
    });
    expect(plain(read(get(outputs, 'torchSize@2')))).toEqual({ tuple: [2n, 3n] });
  });
});

describe('writer: byte-exact with CPython protocol 2', () => {
  for (const [name, { writable }] of Object.entries(cases)) {
    if (!writable) continue;
    it(name, () => {
      const reference = get(outputs, `${name}@2`);
      const value = read(reference);
      const { bytes, storages } = writePickle(value);
      expect(hex(bytes)).toBe(hex(reference));
      expect(storages).toEqual([]);
      expect(plain(read(bytes))).toEqual(plain(value));
    });
  }
});
