/**
 * safetensors against the real package (safetensors 0.4.5 with torch 2.6, in the trixie chroot): our
 * writer's bytes equal `safetensors.torch.save` for the same tensors, the package loads what we write, and
 * our reader returns exactly the tensors the package saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtypeByName } from '../../../src/checkpoint/dtype.ts';
import { readSafetensors } from '../../../src/checkpoint/safetensors/read.ts';
import { writeSafetensors } from '../../../src/checkpoint/safetensors/write.ts';
import { Storage, StoredTensor } from '../../../src/checkpoint/values.ts';
import { type PythonWorkspace, trixiePython } from '../zip/python-reference.ts';

const makeTensors = `
import base64, json, os, torch
from safetensors.torch import save, load
def tensors():
    g = torch.Generator().manual_seed(0)
    return {
        'weight': torch.randn(3, 4, generator=g),
        'bias': torch.randn(4, generator=g).double(),
        'half': torch.randn(5, generator=g).half(),
        'bf': torch.randn(2, 2, generator=g).bfloat16(),
        'ids': torch.arange(6, dtype=torch.int64).reshape(2, 3),
        'i32': torch.tensor([1, -2], dtype=torch.int32),
        'i16': torch.tensor([300, -300], dtype=torch.int16),
        'i8': torch.tensor([-5, 5, 7], dtype=torch.int8),
        'u8': torch.tensor([200, 1], dtype=torch.uint8),
        'mask': torch.tensor([True, False, True]),
        'f8': torch.tensor([1.0, -2.0]).to(torch.float8_e4m3fn),
        'f8b': torch.tensor([0.5, 4.0, -1.0]).to(torch.float8_e5m2),
        'scalar': torch.tensor(3.5),
        'empty': torch.zeros(0, 3),
        'a "quoted" \\\\ name': torch.ones(1),
        'ctrl\\x01\\n\\x7f': torch.ones(2),
        '\\u00fcn\\u00efc\\u00f6d\\u00e9/\\u6587\\u5b57': torch.ones(3),
        '\\uff5e bmp': torch.zeros(1),  # sorts before the emoji in UTF-8, after it in UTF-16
        '\\U0001F600 emoji': torch.zeros(1),
        'Zebra': torch.zeros(1),
    }
spec = [{'name': k, 'dtype': str(v.dtype).removeprefix('torch.'), 'shape': list(v.shape),
         'data': base64.b64encode(v.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()).decode()}
        for k, v in tensors().items()]
with open(os.path.join(DIR, 'meta.safetensors'), 'wb') as f:
    f.write(save(tensors(), metadata={'format': 'pt'}))
with open(os.path.join(DIR, 'plain.safetensors'), 'wb') as f:
    f.write(save(tensors()))
with open(os.path.join(DIR, 'multi.safetensors'), 'wb') as f:
    f.write(save(tensors(), metadata={'format': 'pt', 'b': '\\u00e9', 'empty': ''}))
print(json.dumps(spec))
`;

const loadOurs = `
import json, os, torch
from safetensors.torch import load
${makeTensors.split('spec = ')[0]}
with open(os.path.join(DIR, 'ours.safetensors'), 'rb') as f:
    ours = load(f.read())
expected = tensors()
expected['weight_t'] = expected['weight'].t()
result = {name: (name in ours and ours[name].dtype == t.dtype and ours[name].shape == t.shape
                 and torch.equal(ours[name].float(), t.float())) for name, t in expected.items()}
result['__count__'] = len(ours) == len(expected)
print(json.dumps(result))
`;

interface Spec {
  name: string;
  dtype: string;
  shape: number[];
  data: string;
}

function buildTensors(spec: Spec[]): Map<string, StoredTensor> {
  // Insert in reverse so the byte-for-byte match cannot come from insertion order.
  const map = new Map<string, StoredTensor>();
  for (const s of [...spec].reverse()) {
    const dtype = dtypeByName(s.dtype);
    if (dtype === undefined) throw new Error(`no dtype ${s.dtype}`);
    map.set(
      s.name,
      new StoredTensor(new Storage(dtype, new Uint8Array(Buffer.from(s.data, 'base64'))), s.shape),
    );
  }
  return map;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

describe('safetensors against the real package', () => {
  let py: PythonWorkspace;
  let spec: Spec[];
  beforeAll(() => {
    py = trixiePython();
    spec = JSON.parse(py.run(makeTensors)) as Spec[];
  }, 120_000);
  afterAll(() => py.dispose());

  it('writes the same bytes as safetensors.torch.save, with and without metadata', () => {
    const tensors = buildTensors(spec);
    const withMeta = writeSafetensors(tensors, { format: 'pt' });
    expect(firstDifference(withMeta, py.read('meta.safetensors'))).toBe(-1);
    const plain = writeSafetensors(tensors);
    expect(firstDifference(plain, py.read('plain.safetensors'))).toBe(-1);
  });

  it('reads back exactly the tensors and metadata the package saved, as views of the file', () => {
    for (const file of ['meta.safetensors', 'plain.safetensors', 'multi.safetensors']) {
      const bytes = py.read(file);
      const { tensors, metadata } = readSafetensors(bytes);
      expect([...tensors.keys()].sort()).toEqual(spec.map((s) => s.name).sort());
      for (const s of spec) {
        const t = tensors.get(s.name)!;
        expect([t.dtype.name, t.shape], s.name).toEqual([s.dtype, s.shape]);
        expect(Buffer.from(t.contiguousBytes()).equals(Buffer.from(s.data, 'base64')), s.name).toBe(true);
        expect(t.storage.bytes.buffer).toBe(bytes.buffer);
      }
      const expectedMeta: Record<string, Record<string, string> | undefined> = {
        'meta.safetensors': { format: 'pt' },
        'plain.safetensors': undefined,
        'multi.safetensors': { format: 'pt', b: '\u00e9', empty: '' },
      };
      const want = expectedMeta[file];
      expect(metadata === undefined ? undefined : Object.fromEntries(metadata)).toEqual(want);
    }
  });

  it('writes files the package loads, including a non-contiguous tensor', () => {
    const tensors = buildTensors(spec);
    const weight = tensors.get('weight')!;
    tensors.set('weight_t', new StoredTensor(weight.storage, [4, 3], [1, 4]));
    py.write('ours.safetensors', writeSafetensors(tensors, { format: 'pt' }));
    const result = JSON.parse(py.run(loadOurs)) as Record<string, boolean>;
    expect(Object.entries(result).filter(([, ok]) => !ok)).toEqual([]);
    expect(Object.keys(result).length).toBe(spec.length + 2);
  }, 120_000);
});
