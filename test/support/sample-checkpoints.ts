/**
 * Checkpoints built in TypeScript for the write tests: each one exercises a case of FORMAT.md §9 that a
 * writer must get right. Contents are seeded, so a failure reproduces.
 */
import {
  type DTypeName,
  PyDict,
  PyTuple,
  Storage,
  StoredTensor,
  dtypeInfo,
  type PyValue,
} from '../../src/checkpoint/index.ts';

/** Deterministic bytes (xorshift32) — any bit pattern is a valid element for the byte-exact tests. */
export function seededBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function tensor(
  dtype: DTypeName,
  shape: number[],
  seed: number,
  extra: Partial<{ parameter: boolean }> = {},
) {
  const info = dtypeInfo(dtype);
  const numel = shape.reduce((a, b) => a * b, 1);
  let bytes = seededBytes(numel * info.itemsize, seed);
  if (dtype === 'bool') bytes = bytes.map((b) => b & 1); // torch bools are 0 or 1
  const storage = new Storage(info, bytes);
  return new StoredTensor(storage, shape, undefined, 0, extra.parameter ?? false, extra.parameter ?? false);
}

function float32(values: number[], shape: number[]): StoredTensor {
  const data = new Float32Array(values);
  return new StoredTensor(new Storage(dtypeInfo('float32'), new Uint8Array(data.buffer)), shape);
}

function stateDict(entries: [string, PyValue][], versions: [string, bigint][]): PyDict {
  const sd = new PyDict('OrderedDict', entries);
  const metadata = new PyDict(
    'OrderedDict',
    versions.map(([prefix, v]) => [prefix, new PyDict('dict', [['version', v]])]),
  );
  sd.attributes = new Map([['_metadata', metadata]]);
  return sd;
}

/** dtypes torch 1.13 can load (the legacy storage map); 2.6 also takes the `_rebuild_tensor_v3` ones. */
export const legacyDTypes: DTypeName[] = [
  'float64',
  'float32',
  'float16',
  'bfloat16',
  'int64',
  'int32',
  'int16',
  'int8',
  'uint8',
  'bool',
  'complex64',
  'complex128',
];
export const v3DTypes: DTypeName[] = ['float8_e4m3fn', 'float8_e5m2', 'uint16', 'uint32', 'uint64'];

export interface SampleCheckpoint {
  readonly name: string;
  readonly value: PyValue;
  /** torch 1.13's weights_only unpickler lacks BINFLOAT: files with Python floats load there only fully. */
  readonly hasFloats: boolean;
  /** Holds dtypes only torch >= 2.3 knows. */
  readonly needsV3: boolean;
}

export function sampleCheckpoints(): SampleCheckpoint[] {
  const shared = tensor('float32', [4, 6], 11);
  const transposed = new StoredTensor(shared.storage, [6, 4], [1, 6]);
  const slice = new StoredTensor(shared.storage, [2, 3], [6, 1], 7);
  const expanded = new StoredTensor(tensor('float32', [3], 12).storage, [4, 3], [0, 1]);
  const many = new PyDict('OrderedDict');
  for (let i = 0; i < 1200; i++) many.set(`layer${i}.weight`, tensor('float32', [2], 100 + i));

  return [
    {
      name: 'mlp-state-dict',
      value: stateDict(
        [
          ['0.weight', float32([0.5, -1, 2, 0.25, 3, -4], [3, 2])],
          ['0.bias', float32([0.1, 0.2, 0.3], [3])],
          ['2.weight', tensor('float32', [2, 3], 3)],
          ['2.bias', tensor('float32', [2], 4)],
        ],
        [
          ['', 1n],
          ['0', 1n],
          ['1', 1n],
          ['2', 1n],
        ],
      ),
      hasFloats: false,
      needsV3: false,
    },
    {
      name: 'every-legacy-dtype',
      value: new PyDict(
        'dict',
        legacyDTypes.map((d, i) => [d, tensor(d, [3, 5], 20 + i)]),
      ),
      hasFloats: false,
      needsV3: false,
    },
    {
      name: 'v3-dtypes',
      value: new PyDict(
        'dict',
        v3DTypes.map((d, i) => [d, tensor(d, [2, 7], 40 + i)]),
      ),
      hasFloats: false,
      needsV3: true,
    },
    {
      name: 'views-and-sharing',
      value: new PyDict('OrderedDict', [
        ['base', shared],
        ['tied', shared],
        ['transposed', transposed],
        ['slice', slice],
        ['expanded', expanded],
        ['scalar', tensor('int64', [], 5)],
        ['empty', tensor('float32', [0, 3], 6)],
        ['param', tensor('float32', [2, 2], 7, { parameter: true })],
      ]),
      hasFloats: false,
      needsV3: false,
    },
    { name: 'many-tensors', value: many, hasFloats: false, needsV3: false },
    {
      name: 'general-checkpoint',
      value: new PyDict('dict', [
        ['epoch', 3n],
        ['step', 1200n],
        ['loss', 0.125],
        ['model_state_dict', new PyDict('OrderedDict', [['fc.weight', tensor('float32', [2, 2], 9)]])],
        [
          'optimizer_state_dict',
          new PyDict('dict', [
            [
              'state',
              new PyDict('dict', [
                [
                  0n,
                  new PyDict('dict', [
                    ['step', tensor('float32', [], 10)],
                    ['exp_avg', tensor('float32', [2, 2], 13)],
                  ]),
                ],
              ]),
            ],
            [
              'param_groups',
              [
                new PyDict('dict', [
                  ['lr', 0.001],
                  ['betas', new PyTuple([0.9, 0.999])],
                  ['eps', 1e-8],
                  ['weight_decay', 0n],
                  ['amsgrad', false],
                  ['foreach', null],
                  ['params', [0n]],
                ]),
              ],
            ],
          ]),
        ],
        [
          'ints',
          [
            0n,
            255n,
            256n,
            65535n,
            65536n,
            2n ** 31n - 1n,
            2n ** 31n,
            -1n,
            -(2n ** 31n),
            -(2n ** 31n) - 1n,
            2n ** 53n + 1n,
            2n ** 63n - 1n,
            -(2n ** 63n),
            2n ** 100n,
            -(2n ** 100n),
          ],
        ],
        ['floats', [0.0, -0.0, 1.0, 1e16, 1.5e-7, Number.NaN, Infinity, -Infinity, 0.1]],
        [
          'strings',
          new PyDict('dict', [
            ['', 'empty key'],
            ['ключ', 'ünïcødé ✓'],
            ['__proto__', 'ordinary'],
            ['constructor', null],
          ]),
        ],
        ['flags', new PyTuple([true, false, null])],
        ['nested', [[], new PyTuple([]), new PyDict('dict'), [new PyTuple([1n, 'two', 3.0])]]],
      ]),
      hasFloats: true,
      needsV3: false,
    },
  ];
}
