/**
 * loadCheckpoint on hostile and malformed torch files built here (FORMAT.md §9): each is refused with a
 * CheckpointError of the expected code whose message names the place (an entry, `label@offset`, the
 * global), leaves its input untouched and throws nothing else. Then the positive cases at this level:
 * big-endian storages, whole-model recovery, shared storages and the load limits.
 */
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  dtypeInfo,
  loadCheckpoint,
  PyDict,
  saveTorchZip,
  Storage,
  StoredTensor,
  type CheckpointErrorCode,
  type DTypeName,
  type LoadOptions,
} from '../../../src/checkpoint/index.ts';
import { writePickle } from '../../../src/checkpoint/pickle/write.ts';
import { writeZip } from '../../../src/checkpoint/zip/write.ts';
import { craftZip, text } from '../zip/craft.ts';
import {
  dictPickle,
  emptyHooks,
  float32Bytes,
  int,
  latin1,
  legacyFile,
  legacyPid,
  pid,
  str,
  tensorV2,
  torchZip,
  tuple,
} from './torch-files.ts';

/** Runs loadCheckpoint on the bytes and returns its CheckpointError; any other outcome fails the test. */
function refusal(bytes: Uint8Array, options?: LoadOptions): CheckpointError {
  const before = bytes.slice();
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).join();
  try {
    loadCheckpoint(bytes, options);
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    expect(bytes, 'the input buffer was modified').toEqual(before);
    expect(Object.getOwnPropertyNames(Object.prototype).join()).toBe(prototypeKeys);
    return error;
  }
  throw new Error('the file was accepted');
}

function expectRefused(
  bytes: Uint8Array,
  code: CheckpointErrorCode,
  place: string | RegExp,
  options?: LoadOptions,
): CheckpointError {
  const error = refusal(bytes, options);
  expect(error.code, error.message).toBe(code);
  if (typeof place === 'string') expect(error.message).toContain(place);
  else expect(error.message).toMatch(place);
  return error;
}

const fourFloats = float32Bytes([1, 2, 3, 4]);
const floatPid = (numel = 4, key = '0') => pid('torch.FloatStorage', key, numel);

/** `{'w': tensor}` over storage `0` (4 float32 unless `records` says otherwise). */
function zipWithTensor(
  tensor: string,
  records: Record<string, Uint8Array> = { '0': fourFloats },
): Uint8Array {
  return torchZip({ pickle: dictPickle([['w', tensor]]), records });
}

const honest = () => zipWithTensor(tensorV2(floatPid(), 0, [2, 2], [2, 1]));

describe('the baselines load', () => {
  it('an honest hand-built zip and legacy file', () => {
    const zip = loadCheckpoint(honest());
    expect(zip.format).toBe('torch-zip');
    const w = (zip.value as PyDict).get('w') as StoredTensor;
    expect([...new Float32Array(w.contiguousBytes().slice().buffer)]).toEqual([1, 2, 3, 4]);
    const legacy = loadCheckpoint(honestLegacy());
    expect(legacy.format).toBe('torch-legacy');
    expect((legacy.value as PyDict).get('w')).toBeInstanceOf(StoredTensor);
  });
});

describe('storage records and views', () => {
  it('a record shorter or longer than numel x itemsize', () => {
    for (const length of [0, 12, 15, 17, 20, 64]) {
      const bytes = zipWithTensor(tensorV2(floatPid(), 0, [4], [1]), { '0': new Uint8Array(length) });
      const error = expectRefused(bytes, 'storage-size', 'archive/data/0');
      expect(error.message).toContain(`holds ${length} bytes`);
    }
  });

  it.each([
    ['offset past the end', 1, [4], [1]],
    ['size larger than the storage', 0, [5], [1]],
    ['stride reaching past the end', 0, [2, 2], [3, 1]],
    ['a huge stride', 0, [2], [0x7fffffff]],
    ['an offset beyond the storage with size 1', 4, [1], [1]],
  ])('a view past its storage: %s', (_, offset, size, stride) => {
    expectRefused(
      zipWithTensor(tensorV2(floatPid(), offset, size, stride)),
      'bad-tensor',
      /archive\/data\.pkl@\d+/,
    );
  });

  it.each([
    ['negative size', 0, [-1], [1]],
    ['negative stride', 3, [2], [-1]],
    ['negative offset', -1, [2], [1]],
  ])('%s', (_, offset, size, stride) => {
    const error = expectRefused(
      zipWithTensor(tensorV2(floatPid(), offset, size, stride)),
      'bad-tensor',
      'archive/data.pkl@',
    );
    expect(error.message).toContain('-1');
  });

  it('a negative numel in the persistent id', () => {
    expectRefused(zipWithTensor(tensorV2(floatPid(-4), 0, [0], [1])), 'pickle-malformed', 'archive/data.pkl');
  });

  it('the same storage key as two types', () => {
    const a = tensorV2(floatPid(), 0, [4], [1]);
    const b = tensorV2(pid('torch.IntStorage', '0', 4), 0, [4], [1]);
    expectRefused(
      torchZip({
        pickle: dictPickle([
          ['a', a],
          ['b', b],
        ]),
        records: { '0': fourFloats },
      }),
      'bad-tensor',
      'archive/data/0',
    );
  });

  it('a missing data/<key> record', () => {
    expectRefused(zipWithTensor(tensorV2(floatPid(4, '7'), 0, [4], [1])), 'missing-record', 'archive/data/7');
  });
});

describe('archive structure', () => {
  const pickle = dictPickle([['w', tensorV2(floatPid(), 0, [4], [1])]]);
  const records = { '0': fourFloats };

  it('no data.pkl', () => {
    expectRefused(torchZip({ pickle: null, records }), 'missing-record', 'data.pkl');
  });

  it('no version record', () => {
    expectRefused(torchZip({ pickle, records, version: null }), 'missing-record', /version.*\(at archive\)/);
  });

  it('.data/version stands in for version', () => {
    const bytes = torchZip({
      pickle,
      records,
      version: null,
      extra: [{ name: 'archive/.data/version', data: text('3\n') }],
    });
    expect(loadCheckpoint(bytes).format).toBe('torch-zip');
  });

  it.each(['0\n', '11\n', 'three\n', '', '-3', '3.0', '99999999999'])('version %j', (version) => {
    expectRefused(torchZip({ pickle, records, version }), 'unsupported-version', 'archive/version');
  });

  it('an entry outside the root folder', () => {
    const bytes = torchZip({ pickle, records, extra: [{ name: 'other/version', data: text('3\n') }] });
    expectRefused(bytes, 'bad-entry-name', 'other/version');
  });

  it('no root folder', () => {
    const bytes = writeZip([
      { name: 'data.pkl', data: pickle },
      { name: 'version', data: text('3\n') },
    ]);
    expectRefused(bytes, 'bad-entry-name', 'data.pkl');
  });

  it.each([
    'archive/../x',
    '../archive/x',
    'archive/data/../../../etc/passwd',
    '/archive/x',
    'archive\\..\\x',
  ])('the path %j', (name) => {
    const bytes = craftZip([
      { name: 'archive/data.pkl', payload: pickle },
      { name: 'archive/version', payload: text('3\n') },
      { name, payload: text('x') },
      { name: 'archive/data/0', payload: fourFloats },
    ]);
    expectRefused(bytes, 'bad-entry-name', name.replace(/\\/g, '\\\\'));
  });

  it('duplicate names', () => {
    const bytes = craftZip([
      { name: 'archive/data.pkl', payload: pickle },
      { name: 'archive/version', payload: text('3\n') },
      { name: 'archive/data/0', payload: fourFloats },
      { name: 'archive/data/0', payload: new Uint8Array(16) },
    ]);
    expectRefused(bytes, 'bad-entry-name', 'archive/data/0');
  });

  it('constants.pkl: a TorchScript archive', () => {
    const bytes = torchZip({
      pickle,
      records,
      extra: [{ name: 'archive/constants.pkl', data: latin1('\x80\x02).') }],
    });
    expectRefused(bytes, 'torchscript', 'archive/constants.pkl');
  });

  it.each(['middle', 'BIG', 'little\n', '', 'big\0'])('byteorder %j', (byteorder) => {
    expectRefused(torchZip({ pickle, records, byteorder }), 'zip-malformed', 'archive/byteorder');
  });

  it('a 6-tuple (legacy) persistent id inside a zip', () => {
    expectRefused(
      zipWithTensor(tensorV2(legacyPid('torch.FloatStorage', '0', 4), 0, [4], [1])),
      'pickle-malformed',
      /6 items.*archive\/data\.pkl/,
    );
  });

  it('a deflated entry that inflates past its declared size (zip bomb)', () => {
    const bomb = deflateSync(new Uint8Array(1 << 20));
    const bytes = craftZip([
      { name: 'archive/data.pkl', payload: bomb, method: 8, size: 100 },
      { name: 'archive/version', payload: text('3\n') },
    ]);
    expectRefused(bytes, 'zip-bomb', 'archive/data.pkl');
  });

  it('deflated entries declaring more than maxInflatedBytes', () => {
    const deflated = deflateSync(pickle);
    const bytes = craftZip([
      { name: 'archive/data.pkl', payload: deflated, method: 8, size: pickle.length },
      { name: 'archive/version', payload: text('3\n') },
      { name: 'archive/data/0', payload: fourFloats },
    ]);
    expect((loadCheckpoint(bytes).value as PyDict).get('w')).toBeInstanceOf(StoredTensor);
    expectRefused(bytes, 'zip-bomb', `${pickle.length} bytes`, { maxInflatedBytes: pickle.length - 1 });
  });
});

describe('globals that would run code, in weights-only and in the whole-model fallback', () => {
  const payloads: [string, string, string][] = [
    ['GLOBAL os.system', 'os.system', `cos\nsystem\n${str('ls')}\x85R`],
    ['GLOBAL posix.system', 'posix.system', `cposix\nsystem\n${str('id')}\x85R`],
    ['GLOBAL builtins.eval', 'eval', `cbuiltins\neval\n${str('1+1')}\x85R`],
    ['GLOBAL subprocess.Popen', 'subprocess.Popen', `csubprocess\nPopen\n${str('sh')}\x85R`],
    ['GLOBAL __builtin__.getattr', 'getattr', `c__builtin__\ngetattr\n${tuple(['N', str('x')])}R`],
    ['STACK_GLOBAL os.system', 'os.system', `\x8c\x02os\x8c\x06system\x93${str('ls')}\x85R`],
    ['STACK_GLOBAL builtins.eval', 'eval', `\x8c\x08builtins\x8c\x04eval\x93${str('1')}\x85R`],
    [
      'REDUCE builtins.eval as a tensor rebuild arg',
      'eval',
      tensorV2(`cbuiltins\neval\n${str('x')}\x85R`, 0, [4], [1]),
    ],
    [
      'BUILD an unknown object with os.system in its state',
      'os.system',
      `c__main__\nEvil\n)\x81}(${str('cmd')}cos\nsystem\n${str('ls')}\x85Rub`,
    ],
    [
      'BUILD an OrderedDict with subprocess.Popen in its attributes',
      'subprocess.Popen',
      `${emptyHooks}}(${str('_metadata')}csubprocess\nPopen\nub`,
    ],
  ];

  for (const [label, named, payload] of payloads) {
    it(label, () => {
      const bytes = torchZip({ pickle: dictPickle([['x', payload]]), records: { '0': fourFloats } });
      const fallback = expectRefused(bytes, 'unsupported-global', 'archive/data.pkl@');
      expect(fallback.message).toContain(named);
      expectRefused(bytes, 'unsupported-global', 'archive/data.pkl@', { allowWholeModel: false });
    });
  }

  it('a whole pickled module carrying os.system is refused by the fallback too', () => {
    const module = wholeModule(`cos\nsystem\n${str('ls')}\x85R`);
    expectRefused(module, 'unsupported-global', /os\.system.*archive\/data\.pkl@/);
  });

  it('a legacy file with os.system', () => {
    const bytes = legacyFile(`\x80\x02}(${str('x')}cos\nsystem\n${str('ls')}\x85Ru.`, []);
    expectRefused(bytes, 'unsupported-global', /os\.system.*legacy@\d+/);
    expectRefused(bytes, 'unsupported-global', 'legacy@', { allowWholeModel: false });
  });

  it('unknown classes that are not a module: the allowlist verdict stands', () => {
    const bytes = torchZip({ pickle: latin1(`\x80\x02ctorch\nload\n${str('x.pt')}\x85R.`), records: {} });
    expectRefused(bytes, 'unsupported-global', 'torch.load');
  });
});

function honestLegacy(): Uint8Array {
  const object = `\x80\x02}(${str('w')}${tensorV2(legacyPid('torch.FloatStorage', '94011', 4), 0, [4], [1])}u.`;
  return legacyFile(object, [{ key: '94011', count: 4n, data: fourFloats }]);
}

describe('legacy files', () => {
  const object = (id: string) => `\x80\x02}(${str('w')}${tensorV2(id, 0, [4], [1])}u.`;
  const good = legacyPid('torch.FloatStorage', '94011', 4);

  it('a 5-tuple (zip) persistent id', () => {
    const bytes = legacyFile(object(floatPid(4, '94011')), [{ key: '94011', count: 4n, data: fourFloats }]);
    expectRefused(bytes, 'pickle-malformed', /5 items.*legacy/);
  });

  it('truncated anywhere in the data section', () => {
    const bytes = honestLegacy();
    const dataStart = bytes.length - 8 - 16;
    for (let cut = dataStart; cut < bytes.length; cut++) {
      expectRefused(bytes.subarray(0, cut), 'truncated', /storage 94011.*legacy@\d+/);
    }
  });

  it('truncated in the pickles', () => {
    const bytes = honestLegacy();
    for (let cut = 15; cut < bytes.length - 24; cut += 3) {
      const error = refusal(bytes.subarray(0, cut));
      expect(['truncated', 'pickle-malformed', 'legacy-malformed'], error.message).toContain(error.code);
      expect(error.message).toMatch(/legacy/);
    }
  });

  it.each([
    ['more elements than the file holds', 5n, 'truncated', /legacy@\d+/],
    ['an absurd count', 2n ** 62n, 'truncated', /legacy@\d+/],
    ['a negative count', -1n, 'truncated', /legacy@\d+/],
    ['fewer elements than the storage', 3n, 'storage-size', 'legacy/storage 94011'],
  ] as const)('a count of %s', (_, count, code, place) => {
    const data = count === 3n ? fourFloats.subarray(0, 12) : fourFloats;
    expectRefused(legacyFile(object(good), [{ key: '94011', count, data }]), code, place);
  });

  it('a key list naming a storage the object never used', () => {
    const bytes = legacyFile(object(good), [{ key: '94011', count: 4n, data: fourFloats }], ['94011', '5']);
    expectRefused(bytes, 'legacy-malformed', /storage 5.*legacy/);
  });

  it('one storage key declared with two types', () => {
    const twice = `\x80\x02}(${str('a')}${tensorV2(good, 0, [4], [1])}${str('b')}${tensorV2(legacyPid('torch.IntStorage', '94011', 4), 0, [4], [1])}u.`;
    const bytes = legacyFile(twice, [{ key: '94011', count: 4n, data: fourFloats }]);
    expectRefused(bytes, 'bad-tensor', /94011 has two types.*legacy/);
  });

  it('a storage declared larger than the file', () => {
    const bytes = legacyFile(object(legacyPid('torch.FloatStorage', '94011', 1 << 30)), []);
    expectRefused(bytes, 'storage-size', /94011.*legacy/);
  });

  it('a wrong protocol number', () => {
    const bytes = honestLegacy();
    const at = 15 + 3; // the protocol pickle's BININT2 operand
    const bad = bytes.slice();
    bad[at] = 0xea;
    expectRefused(bad, 'legacy-malformed', /1002.*legacy@15/);
  });
});

describe('not a checkpoint at all', () => {
  it('the old tar format (ustar at 257)', () => {
    const tar = new Uint8Array(1024);
    tar.set(text('sys_info'), 0);
    tar.set(text('ustar\x0000'), 257);
    expectRefused(tar, 'not-a-checkpoint', /tar format/);
  });

  it('random bytes', () => {
    let x = 0x9e3779b9;
    for (let trial = 0; trial < 50; trial++) {
      const bytes = new Uint8Array(64 + trial * 37).map(() => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return x & 0xff;
      });
      bytes[8] = 0x00; // keep byte 8 off `{`, the safetensors signature
      expectRefused(bytes, 'not-a-checkpoint', /not a PyTorch zip/);
    }
  });

  it('an empty file', () => {
    expectRefused(new Uint8Array(0), 'not-a-checkpoint', /not a PyTorch zip/);
  });
});

/** Little-endian and big-endian bytes of the same values, written independently through DataView. */
function endianPair(
  dtype: DTypeName,
  count: number,
  put: (view: DataView, index: number, littleEndian: boolean) => void,
): { le: Uint8Array; be: Uint8Array } {
  const le = new Uint8Array(count * dtypeInfo(dtype).itemsize);
  const be = new Uint8Array(le.length);
  for (let i = 0; i < count; i++) {
    put(new DataView(le.buffer), i, true);
    put(new DataView(be.buffer), i, false);
  }
  return { le, be };
}

describe('big-endian byteorder', () => {
  const cases: [DTypeName, Uint8Array, Uint8Array][] = [];
  const add = (dtype: DTypeName, count: number, put: (v: DataView, i: number, le: boolean) => void) => {
    const { le, be } = endianPair(dtype, count, put);
    cases.push([dtype, le, be]);
  };
  add('int16', 3, (v, i, le) => v.setInt16(i * 2, [1, -2, 300][i] as number, le));
  add('float16', 2, (v, i, le) => v.setUint16(i * 2, [0x3c00, 0xc000][i] as number, le));
  add('bfloat16', 2, (v, i, le) => v.setUint16(i * 2, [0x3f80, 0x4049][i] as number, le));
  add('int32', 2, (v, i, le) => v.setInt32(i * 4, [0x01020304, -5][i] as number, le));
  add('float32', 3, (v, i, le) => v.setFloat32(i * 4, [1.5, -2.25, 1e-3][i] as number, le));
  add('float64', 2, (v, i, le) => v.setFloat64(i * 8, [Math.PI, -1e300][i] as number, le));
  add('int64', 2, (v, i, le) => v.setBigInt64(i * 8, [2n ** 40n + 5n, -7n][i] as bigint, le));
  // complex: each part is swapped on its own (a complex64 is two float32s)
  add('complex64', 2, (v, i, le) => {
    v.setFloat32(i * 8, [1.5, -3][i] as number, le);
    v.setFloat32(i * 8 + 4, [-2, 0.25][i] as number, le);
  });
  add('complex128', 1, (v, i, le) => {
    v.setFloat64(i * 16, Math.E, le);
    v.setFloat64(i * 16 + 8, -Math.SQRT2, le);
  });
  add('uint8', 3, (v, i) => v.setUint8(i, [1, 2, 250][i] as number));
  add('bool', 2, (v, i) => v.setUint8(i, i));

  it.each(cases)('%s storages are swapped per element', (dtype, le, be) => {
    const info = dtypeInfo(dtype);
    const numel = le.length / info.itemsize;
    const source = new StoredTensor(new Storage(info, le), [numel]);
    const { bytes: pickle } = writePickle(new PyDict('dict', [['t', source]]));
    const file = torchZip({ pickle, records: { '0': be }, byteorder: 'big' });
    const loaded = (loadCheckpoint(file).value as PyDict).get('t') as StoredTensor;
    expect(loaded.dtype.name).toBe(dtype);
    expect(loaded.contiguousBytes()).toEqual(le);
    if (info.itemsize > 1) expect(le).not.toEqual(be);
    // the same file saying little (or nothing) reads the bytes as they are
    for (const byteorder of ['little', null]) {
      const same = torchZip({ pickle, records: { '0': be }, byteorder });
      expect(((loadCheckpoint(same).value as PyDict).get('t') as StoredTensor).contiguousBytes()).toEqual(be);
    }
  });
});

/**
 * `torch.save(model)` of Sequential(Linear, BatchNorm-like) as protocol 2 writes it: each module a NEWOBJ of
 * its class and a BUILD of its `__dict__`. Child `1` has a non-persistent buffer `scratch`.
 */
function wholeModule(rootPayload = 'N'): Uint8Array {
  const od = (items: [string, string][]) =>
    `${emptyHooks}${items.length === 0 ? '' : `(${items.map(([k, v]) => str(k) + v).join('')}u`}`;
  const set = (items: string[]) => `c__builtin__\nset\n](${items.map(str).join('')}e\x85R`;
  const module = (cls: string, fields: [string, string][]) =>
    `c${cls}\n)\x81}(${str('training')}\x88${fields.map(([k, v]) => str(k) + v).join('')}ub`;
  const t = (key: string, numel: number, offset = 0) =>
    tensorV2(pid('torch.FloatStorage', key, 6), offset, [numel], [1]);
  const linear = module('torch.nn.modules.linear\nLinear', [
    [
      '_parameters',
      od([
        ['weight', `ctorch._utils\n_rebuild_parameter\n(${t('0', 6)}\x88${emptyHooks}tR`],
        ['bias', t('1', 2)],
      ]),
    ],
    ['_buffers', od([])],
    ['_non_persistent_buffers_set', set([])],
    ['_modules', od([])],
    ['in_features', int(3)],
  ]);
  const norm = module('__main__\nNorm', [
    ['_parameters', od([])],
    [
      '_buffers',
      od([
        ['running_mean', t('2', 2)],
        ['scratch', t('2', 2, 2)],
        ['gone', 'N'],
      ]),
    ],
    ['_non_persistent_buffers_set', set(['scratch'])],
    ['_modules', od([])],
  ]);
  const root = module('torch.nn.modules.container\nSequential', [
    ['_parameters', od([])],
    ['_buffers', od([])],
    [
      '_modules',
      od([
        ['0', linear],
        ['1', norm],
      ]),
    ],
    ['payload', rootPayload],
  ]);
  const records = { '0': new Uint8Array(24), '1': new Uint8Array(24), '2': new Uint8Array(24) };
  return torchZip({ pickle: latin1(`\x80\x02${root}.`), records });
}

describe('whole pickled models', () => {
  it("recovers the state_dict under torch's keys, skipping non-persistent buffers", () => {
    const bytes = wholeModule();
    const loaded = loadCheckpoint(bytes);
    expect(loaded.wholeModelClass).toBe('torch.nn.modules.container.Sequential');
    const sd = loaded.value as PyDict;
    expect(sd.kind).toBe('OrderedDict');
    expect([...sd.keys()]).toEqual(['0.weight', '0.bias', '1.running_mean']);
    const weight = sd.get('0.weight') as StoredTensor;
    expect(weight.isParameter).toBe(false); // state_dict() holds detached plain tensors
    expect(weight.requiresGrad).toBe(false);
    expect(weight.shape).toEqual([6]);
  });

  it('is refused without allowWholeModel, naming the class', () => {
    expectRefused(
      wholeModule(),
      'unsupported-global',
      /torch\.nn\.modules\.container\.Sequential.*archive\/data\.pkl@/,
      {
        allowWholeModel: false,
      },
    );
  });
});

describe('shared storages', () => {
  it('two persistent ids with one key give one Storage object', () => {
    const a = tensorV2(floatPid(), 0, [2, 2], [2, 1]);
    const b = tensorV2(floatPid(), 1, [3], [1]);
    const c = tensorV2(floatPid(), 0, [2, 2], [1, 2]);
    const value = loadCheckpoint(
      torchZip({
        pickle: dictPickle([
          ['a', a],
          ['b', b],
          ['c', c],
        ]),
        records: { '0': fourFloats },
      }),
    ).value as PyDict;
    const [ta, tb, tc] = ['a', 'b', 'c'].map((k) => value.get(k) as StoredTensor);
    expect(ta?.storage).toBe(tb?.storage);
    expect(ta?.storage).toBe(tc?.storage);
    expect([...new Float32Array(tb?.contiguousBytes().slice().buffer as ArrayBuffer)]).toEqual([2, 3, 4]);
    expect([...new Float32Array(tc?.contiguousBytes().slice().buffer as ArrayBuffer)]).toEqual([1, 3, 2, 4]);
  });

  it('tied weights written by saveTorchZip come back sharing', () => {
    const storage = new Storage(dtypeInfo('float32'), fourFloats);
    const weight = new StoredTensor(storage, [2, 2]);
    const value = new PyDict('OrderedDict', [
      ['embed.weight', weight],
      ['head.weight', weight],
      ['row', new StoredTensor(storage, [2], [1], 2)],
    ]);
    const loaded = loadCheckpoint(saveTorchZip(value)).value as PyDict;
    const tensors = [...loaded.values()] as StoredTensor[];
    expect(new Set(tensors.map((t) => t.storage)).size).toBe(1);
  });
});

describe('load limits', () => {
  it('maxDepth', () => {
    let nested = 'N';
    for (let i = 0; i < 40; i++) nested = `]${nested}a`;
    const bytes = torchZip({ pickle: latin1(`\x80\x02${nested}.`), records: {} });
    expect(loadCheckpoint(bytes, { maxDepth: 41 }).value).toBeInstanceOf(Array);
    expectRefused(bytes, 'limit-exceeded', /deeper than 20.*archive\/data\.pkl/, { maxDepth: 20 });
  });

  it('maxEntries', () => {
    const records = Object.fromEntries(['0', '1', '2', '3'].map((k) => [k, fourFloats]));
    const bytes = torchZip({ pickle: dictPickle([['w', tensorV2(floatPid(), 0, [4], [1])]]), records });
    expect(loadCheckpoint(bytes, { maxEntries: 7 }).format).toBe('torch-zip');
    expectRefused(bytes, 'limit-exceeded', /7 entries; the limit is 6/, { maxEntries: 6 });
  });

  it('maxMemo', () => {
    const memoized = `]${Array.from({ length: 10 }, (_, i) => `${str(`s${i}`)}q${String.fromCharCode(i)}a`).join('')}`;
    const bytes = torchZip({ pickle: latin1(`\x80\x02${memoized}.`), records: {} });
    expect(loadCheckpoint(bytes, { maxMemo: 10 }).value).toHaveLength(10);
    expectRefused(bytes, 'limit-exceeded', /memo.*archive\/data\.pkl@/, { maxMemo: 9 });
  });
});
