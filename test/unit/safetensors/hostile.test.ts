/**
 * One test per rejection rule of readSafetensors, each also run through the real package (safetensors
 * 0.4.5 in the trixie chroot) to show the reference refuses it too, except where we are deliberately
 * stricter (marked `referenceAccepts`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtypeByName } from '../../../src/checkpoint/dtype.ts';
import { CheckpointError, type CheckpointErrorCode } from '../../../src/checkpoint/errors.ts';
import { readSafetensors } from '../../../src/checkpoint/safetensors/read.ts';
import { writeSafetensors } from '../../../src/checkpoint/safetensors/write.ts';
import { Storage, StoredTensor } from '../../../src/checkpoint/values.ts';
import { type PythonWorkspace, trixiePython } from '../zip/python-reference.ts';

const encoder = new TextEncoder();

/** u64 length + header + data; `length` overrides the declared header length. */
function file(header: string | Uint8Array, data = new Uint8Array(0), length?: bigint): Uint8Array {
  const headerBytes = typeof header === 'string' ? encoder.encode(header) : header;
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

const u8 = (name: string, begin: number, end: number, shape = `[${end - begin}]`) =>
  `"${name}":{"dtype":"U8","shape":${shape},"data_offsets":[${begin},${end}]}`;
const bytes = (n: number) => new Uint8Array(n).map((_, i) => i + 1);

interface Case {
  label: string;
  input: Uint8Array;
  code: CheckpointErrorCode;
  /** The 0.4.5 package accepts this; we refuse it on purpose. */
  referenceAccepts?: boolean;
}

const cases: Case[] = [
  { label: 'fewer than 8 bytes', input: new Uint8Array(5), code: 'truncated' },
  {
    label: 'header length over 100,000,000',
    input: file('{}', undefined, 100_000_001n),
    code: 'safetensors-malformed',
  },
  { label: 'header length 2^63', input: file('{}', undefined, 2n ** 63n), code: 'safetensors-malformed' },
  { label: 'header longer than the file', input: file('{}', undefined, 50n), code: 'truncated' },
  {
    label: 'header not UTF-8',
    input: file(new Uint8Array([0x7b, 0xff, 0x7d])),
    code: 'safetensors-malformed',
  },
  { label: 'leading whitespace', input: file(' {}'), code: 'safetensors-malformed', referenceAccepts: true },
  { label: 'not JSON', input: file('{nope}'), code: 'safetensors-malformed' },
  { label: 'a JSON array', input: file('[]'), code: 'safetensors-malformed' },
  { label: 'NUL after the object', input: file('{}\0'), code: 'safetensors-malformed' },
  { label: 'a second object after the first', input: file('{}{}'), code: 'safetensors-malformed' },
  { label: 'tensor not an object', input: file('{"x":[1]}'), code: 'safetensors-malformed' },
  {
    label: 'missing data_offsets',
    input: file('{"x":{"dtype":"U8","shape":[0]}}'),
    code: 'safetensors-malformed',
  },
  {
    label: 'unknown tensor field',
    input: file('{"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"y":1}}', bytes(1)),
    code: 'safetensors-malformed',
    referenceAccepts: true,
  },
  {
    label: 'repeated tensor field',
    input: file('{"x":{"dtype":"U8","shape":[1],"shape":[1],"data_offsets":[0,1]}}', bytes(1)),
    code: 'safetensors-malformed',
  },
  {
    label: 'dtype not a string',
    input: file('{"x":{"dtype":8,"shape":[1],"data_offsets":[0,1]}}', bytes(1)),
    code: 'safetensors-malformed',
  },
  {
    label: 'unknown dtype',
    input: file('{"x":{"dtype":"X8","shape":[1],"data_offsets":[0,1]}}', bytes(1)),
    code: 'safetensors-malformed',
  },
  {
    label: 'three data_offsets',
    input: file(`{${u8('x', 0, 1).replace('[0,1]', '[0,1,2]')}}`, bytes(1)),
    code: 'safetensors-malformed',
  },
  { label: 'negative shape', input: file(`{${u8('x', 0, 0, '[-1]')}}`), code: 'safetensors-malformed' },
  { label: 'negative zero shape', input: file(`{${u8('x', 0, 0, '[-0]')}}`), code: 'safetensors-malformed' },
  {
    label: 'fractional shape',
    input: file(`{${u8('x', 0, 1, '[1.0]')}}`, bytes(1)),
    code: 'safetensors-malformed',
  },
  {
    label: 'exponent shape',
    input: file(`{${u8('x', 0, 1, '[1e0]')}}`, bytes(1)),
    code: 'safetensors-malformed',
  },
  {
    label: 'leading-zero shape',
    input: file(`{${u8('x', 0, 1, '[01]')}}`, bytes(1)),
    code: 'safetensors-malformed',
  },
  {
    label: 'shape past u64',
    input: file(`{${u8('x', 0, 0, '[18446744073709551616]')}}`),
    code: 'safetensors-malformed',
  },
  {
    label: 'shape product overflows',
    input: file(`{${u8('x', 0, 0, '[4294967296,4294967296,4294967296]')}}`),
    code: 'safetensors-malformed',
  },
  {
    label: 'first tensor not at 0',
    input: file(`{${u8('x', 2, 3)}}`, bytes(3)),
    code: 'safetensors-malformed',
  },
  {
    label: 'hole between tensors',
    input: file(`{${u8('x', 0, 1)},${u8('y', 2, 3)}}`, bytes(3)),
    code: 'safetensors-malformed',
  },
  {
    label: 'overlapping tensors',
    input: file(`{${u8('x', 0, 2)},${u8('y', 1, 3)}}`, bytes(3)),
    code: 'safetensors-malformed',
  },
  {
    label: 'end before begin',
    input: file(`{${u8('x', 0, 0, '[0]').replace('[0,0]', '[2,1]')}}`, bytes(2)),
    code: 'safetensors-malformed',
  },
  {
    label: 'span differs from numel x itemsize',
    input: file(`{${u8('x', 0, 3, '[2]')}}`, bytes(3)),
    code: 'safetensors-malformed',
  },
  {
    label: 'bytes after the buffer',
    input: file(`{${u8('x', 0, 2)}}`, bytes(3)),
    code: 'safetensors-malformed',
  },
  { label: 'buffer cut short', input: file(`{${u8('x', 0, 4)}}`, bytes(3)), code: 'truncated' },
  {
    label: 'non-string metadata value',
    input: file('{"__metadata__":{"a":1}}'),
    code: 'safetensors-malformed',
  },
  { label: 'metadata not an object', input: file('{"__metadata__":["a"]}'), code: 'safetensors-malformed' },
  {
    label: 'duplicate tensor name',
    input: file(`{${u8('x', 0, 1)},${u8('x', 0, 1)}}`, bytes(1)),
    code: 'safetensors-malformed',
    referenceAccepts: true,
  },
  {
    label: 'duplicate metadata key',
    input: file('{"__metadata__":{"a":"1","a":"2"}}'),
    code: 'safetensors-malformed',
    referenceAccepts: true,
  },
  {
    label: 'duplicate __metadata__',
    input: file('{"__metadata__":{},"__metadata__":{}}'),
    code: 'safetensors-malformed',
  },
  {
    label: 'lone surrogate escape',
    input: file(`{${u8('\\ud800', 0, 1)}}`, bytes(1)),
    code: 'safetensors-malformed',
  },
  {
    label: 'raw control character in a name',
    input: file(`{${u8('a\u0001', 0, 1)}}`, bytes(1)),
    code: 'safetensors-malformed',
  },
  { label: 'invalid escape', input: file(`{${u8('a\\q', 0, 1)}}`, bytes(1)), code: 'safetensors-malformed' },
  { label: 'unterminated string', input: file('{"abc'), code: 'safetensors-malformed' },
];

function codeOf(input: Uint8Array): CheckpointErrorCode | 'no error' {
  try {
    readSafetensors(input);
  } catch (error) {
    if (error instanceof CheckpointError) return error.code;
    throw error;
  }
  return 'no error';
}

const referenceVerdicts = `
import json, os
from safetensors.torch import load
verdicts = []
for i in range(int(open(os.path.join(DIR, 'count')).read())):
    try:
        load(open(os.path.join(DIR, f'{i}.safetensors'), 'rb').read())
        verdicts.append('accepts')
    except BaseException as e:
        verdicts.append('refuses')
print(json.dumps(verdicts))
`;

describe('readSafetensors rejections', () => {
  let py: PythonWorkspace;
  let verdicts: string[];
  beforeAll(() => {
    py = trixiePython();
    cases.forEach((c, i) => py.write(`${i}.safetensors`, c.input));
    py.write('count', encoder.encode(String(cases.length)));
    verdicts = JSON.parse(py.run(referenceVerdicts)) as string[];
  }, 120_000);
  afterAll(() => py.dispose());

  cases.forEach((c, i) => {
    it(`refuses ${c.label} (${c.code})`, () => {
      expect(codeOf(c.input)).toBe(c.code);
      expect(verdicts[i], 'the real package').toBe(c.referenceAccepts === true ? 'accepts' : 'refuses');
    });
  });

  it('applies a smaller maxHeaderBytes limit', () => {
    const input = file(`{${u8('x', 0, 1)}}`, bytes(1));
    expect(() => readSafetensors(input, { maxHeaderBytes: 10 })).toThrow(
      expect.objectContaining({ code: 'limit-exceeded' }),
    );
    expect(readSafetensors(input).tensors.size).toBe(1);
  });
});

describe('readSafetensors accepts what the format allows', () => {
  it('an empty file ({} padded), trailing JSON whitespace, null metadata', () => {
    expect(readSafetensors(file('{}      ')).tensors.size).toBe(0);
    expect(readSafetensors(file('{} \t\r\n')).metadata).toBeUndefined();
    expect(readSafetensors(file('{"__metadata__":null}')).metadata).toBeUndefined();
  });

  it('0-rank and empty tensors, offsets listed out of order, escaped names', () => {
    const header = `{"b":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"\\u0061\\n":{"dtype":"I64","shape":[0,5],"data_offsets":[4,4]},${u8('c', 4, 6)}}`;
    const { tensors } = readSafetensors(file(header, bytes(6)));
    expect([...tensors.keys()]).toEqual(['b', 'a\n', 'c']);
    expect(tensors.get('b')!.shape).toEqual([]);
    expect(tensors.get('b')!.numel).toBe(1);
    expect(tensors.get('a\n')!.shape).toEqual([0, 5]);
    expect([...tensors.get('c')!.contiguousBytes()]).toEqual([5, 6]);
  });
});

describe('writeSafetensors refusals', () => {
  const tensorOf = (dtype: string) => {
    const info = dtypeByName(dtype)!;
    return new StoredTensor(new Storage(info, new Uint8Array(info.itemsize)), [1]);
  };
  it.each([['complex128'], ['qint8'], ['quint4x2'], ['complex32']])(
    'refuses dtype %s (no safetensors code)',
    (dtype) => {
      expect(() => writeSafetensors(new Map([['x', tensorOf(dtype)]]))).toThrow(
        expect.objectContaining({ code: 'unsupported-value' }),
      );
    },
  );
  it('refuses a name given twice, the reserved name, a lone surrogate', () => {
    const t = tensorOf('float32');
    for (const entries of [
      [
        ['x', t],
        ['x', t],
      ],
      [['__metadata__', t]],
      [['a\ud800', t]],
    ] as [string, StoredTensor][][]) {
      expect(() => writeSafetensors(entries)).toThrow(expect.objectContaining({ code: 'unsupported-value' }));
    }
  });
  it('round-trips through its own reader with padding to 8', () => {
    const out = writeSafetensors(new Map([['odd-name', tensorOf('uint8')]]), { k: 'v' });
    const headerLength = Number(new DataView(out.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const back = readSafetensors(out);
    expect(back.tensors.get('odd-name')!.shape).toEqual([1]);
    expect(Object.fromEntries(back.metadata!)).toEqual({ k: 'v' });
  });
});
