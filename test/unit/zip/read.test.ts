/**
 * readZip on real archives: made by Python's zipfile (stored, deflated, data descriptors, zip64 records and
 * extras, 65,546 entries) and by real torch 1.13 and 2.6. Python's zipfile is the reference listing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../src/checkpoint/errors.ts';
import { readZip } from '../../../src/checkpoint/zip/read.ts';
import {
  hostPython,
  type ListedEntry,
  type PythonWorkspace,
  pythonZipListing,
  trixiePython,
} from './python-reference.ts';

const pythonArchives = `
import io, os, random, zipfile
${pythonZipListing}
rng = random.Random(5)
blob = bytes(rng.getrandbits(8) for _ in range(100_000))
text = (b'the quick brown fox jumps over the lazy dog ' * 30_000)
def fill(z):
    z.writestr('a.txt', b'hello')
    z.mkdir('dir')
    z.writestr('dir/blob.bin', blob)
    z.writestr('dir/empty', b'')
    z.writestr('\u00fcn\u00efcode/\u6587\u4ef6.txt', 'utf-8 name'.encode())
    z.writestr('text.txt', text)
with zipfile.ZipFile(os.path.join(DIR, 'stored.zip'), 'w', zipfile.ZIP_STORED) as z:
    fill(z)
    z.comment = b'an archive comment'
with zipfile.ZipFile(os.path.join(DIR, 'deflated.zip'), 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    fill(z)
class Unseekable:  # forces data descriptors (flag bit 3), as when zipping to a pipe
    def __init__(self, f): self.f = f
    def write(self, b): return self.f.write(b)
    def flush(self): pass
with open(os.path.join(DIR, 'descriptor.zip'), 'wb') as raw:
    with zipfile.ZipFile(Unseekable(raw), 'w', zipfile.ZIP_DEFLATED) as z:
        fill(z)
        z.writestr(zipfile.ZipInfo('stored-in-stream.bin'), blob, compress_type=zipfile.ZIP_STORED)
with zipfile.ZipFile(os.path.join(DIR, 'force64.zip'), 'w', zipfile.ZIP_DEFLATED) as z:
    for name, data in [('x.bin', blob), ('y.txt', text)]:
        with z.open(name, 'w', force_zip64=True) as f:
            f.write(data)
# Lowering zipfile's zip64 threshold makes it write real zip64 extras (sizes and offsets) and zip64 end
# records for small files, exactly as it would past 4 GiB.
saved_limit = zipfile.ZIP64_LIMIT
zipfile.ZIP64_LIMIT = 1000
with zipfile.ZipFile(os.path.join(DIR, 'zip64.zip'), 'w', zipfile.ZIP_STORED) as z:
    fill(z)
    z.writestr('last.txt', b'after all the big ones', compress_type=zipfile.ZIP_DEFLATED)
zipfile.ZIP64_LIMIT = saved_limit
with zipfile.ZipFile(os.path.join(DIR, 'many.zip'), 'w') as z:
    for i in range(65_546):
        z.writestr(f'{i:x}', bytes([i % 256]))
names = ['stored', 'deflated', 'descriptor', 'force64', 'zip64']
result = {n: listing(os.path.join(DIR, n + '.zip')) for n in names}
result['many'] = listing(os.path.join(DIR, 'many.zip'), with_data=False)
print(json.dumps(result))
`;

const torchFiles = `
import collections, json, os, torch
${pythonZipListing}
sd = collections.OrderedDict()
for i in range(12):
    sd[f'layer{i}.weight'] = torch.randn(i + 1, 3)
sd['empty'] = torch.zeros(0, 4)
sd['steps'] = torch.tensor(7, dtype=torch.int64)
torch.save(sd, os.path.join(DIR, 'model.pth.tar'))
result = {'model.pth.tar': listing(os.path.join(DIR, 'model.pth.tar'))}
if hasattr(torch.serialization, 'set_crc32_options'):
    torch.serialization.set_crc32_options(False)
    torch.save(sd, os.path.join(DIR, 'nocrc.pt'))
    result['nocrc.pt'] = listing(os.path.join(DIR, 'nocrc.pt'))
print(json.dumps(result))
`;

type Listing = Record<string, ListedEntry[]>;

function expectMatchesListing(bytes: Uint8Array, listed: ListedEntry[], label: string): void {
  const archive = readZip(bytes);
  expect(archive.entries.map((e) => e.name)).toEqual(listed.map((e) => e.name));
  archive.entries.forEach((entry, i) => {
    const ref = listed[i]!;
    const where = `${label}: ${ref.name}`;
    expect(
      [entry.size, entry.compressedSize, entry.crc32, entry.localHeaderOffset, entry.method],
      where,
    ).toEqual([ref.size, ref.compressedSize, ref.crc32, ref.localHeaderOffset, ref.method]);
    if (ref.data !== null)
      expect(Buffer.from(entry.data()).equals(Buffer.from(ref.data, 'base64')), where).toBe(true);
    expect(archive.get(ref.name)).toBe(entry);
  });
}

describe('readZip on archives made by Python zipfile', () => {
  let py: PythonWorkspace;
  let listing: Listing;
  beforeAll(() => {
    py = hostPython();
    listing = JSON.parse(py.run(pythonArchives)) as Listing;
  }, 120_000);
  afterAll(() => py.dispose());

  for (const name of ['stored', 'deflated', 'descriptor', 'force64', 'zip64']) {
    it(`reads ${name}.zip exactly as zipfile does, CRCs included`, () => {
      const bytes = py.read(`${name}.zip`);
      expectMatchesListing(bytes, listing[name]!, name);
      for (const entry of readZip(bytes).entries) entry.verifyCrc();
    });
  }

  it('covers what it claims: deflate, descriptors, zip64 extras and end records', () => {
    const methods = new Set(listing['deflated']!.map((e) => e.method));
    expect(methods.has(8)).toBe(true);
    const descriptor = py.read('descriptor.zip');
    expect(new DataView(descriptor.buffer).getUint16(6, true) & 0x8).toBe(8);
    const zip64 = py.read('zip64.zip');
    const tail = Buffer.from(zip64.subarray(zip64.length - 22 - 20 - 56));
    expect(tail.readUInt32LE(0)).toBe(0x06064b50); // a zip64 end record precedes the locator
    expect(listing['zip64']!.some((e) => e.localHeaderOffset > 1000)).toBe(true);
  });

  it('reads 65,546 entries through the zip64 end record (the classic count says 0xFFFF)', () => {
    const bytes = py.read('many.zip');
    const end = Buffer.from(bytes.subarray(bytes.length - 22));
    expect(end.readUInt16LE(10)).toBe(0xffff);
    expectMatchesListing(bytes, listing['many']!, 'many');
    expect(readZip(bytes).get('ffff')!.data()).toEqual(new Uint8Array([0xff]));
  }, 60_000);

  it('returns stored entries as zero-copy views of the input', () => {
    const bytes = py.read('stored.zip');
    const entry = readZip(bytes).get('dir/blob.bin')!;
    const data = entry.data();
    expect(data.buffer).toBe(bytes.buffer);
    expect(data.byteOffset).toBe(bytes.byteOffset + entry.dataOffset);
    expect(data.length).toBe(100_000);
  });

  it('reads an archive that sits at an offset inside a larger buffer', () => {
    const bytes = py.read('deflated.zip');
    const host = new Uint8Array(bytes.length + 13);
    host.set(bytes, 7);
    expectMatchesListing(host.subarray(7, 7 + bytes.length), listing['deflated']!, 'offset');
  });

  it('inflates a deflated entry once and keeps it', () => {
    const entry = readZip(py.read('deflated.zip')).get('text.txt')!;
    expect(entry.method).toBe(8);
    expect(entry.data()).toBe(entry.data());
  });

  it('enforces maxEntries and maxInflatedBytes', () => {
    const many = py.read('many.zip');
    expect(() => readZip(many, { maxEntries: 65_545 })).toThrow(
      expect.objectContaining({ code: 'limit-exceeded' }),
    );
    expect(readZip(many, { maxEntries: 65_546 }).entries.length).toBe(65_546);
    const deflated = py.read('deflated.zip');
    const declared = listing['deflated']!.filter((e) => e.method === 8).reduce((s, e) => s + e.size, 0);
    expect(readZip(deflated, { maxInflatedBytes: declared }).entries.length).toBeGreaterThan(0);
    expect(() => readZip(deflated, { maxInflatedBytes: declared - 1 })).toThrow(
      expect.objectContaining({ code: 'zip-bomb' }),
    );
  });
});

describe('readZip on real torch checkpoints', () => {
  const versions = [
    { label: 'torch 1.13', workspace: hostPython, canSkipCrc: false },
    { label: 'torch 2.6', workspace: trixiePython, canSkipCrc: true },
  ] as const;
  for (const { label, workspace, canSkipCrc } of versions) {
    describe(label, () => {
      let py: PythonWorkspace;
      let listing: Listing;
      beforeAll(() => {
        py = workspace();
        listing = JSON.parse(py.run(torchFiles)) as Listing;
      }, 120_000);
      afterAll(() => py.dispose());

      it('lists, sizes and reads every record as zipfile does; CRCs verify', () => {
        const bytes = py.read('model.pth.tar');
        expectMatchesListing(bytes, listing['model.pth.tar']!, label);
        const archive = readZip(bytes);
        expect(archive.entries[0]!.name).toBe('model.pth/data.pkl');
        for (const entry of archive.entries) {
          entry.verifyCrc();
          if (entry.name.includes('/data/')) expect(entry.dataOffset % 64).toBe(0);
        }
      });

      if (canSkipCrc) {
        it('with compute_crc32=False (CRC 0): data reads, verifyCrc refuses', () => {
          expect(listing['nocrc.pt']).toBeDefined();
          const bytes = py.read('nocrc.pt');
          expectMatchesListing(bytes, listing['nocrc.pt']!, 'nocrc');
          const weight = readZip(bytes).get('nocrc/data/0')!;
          expect(weight.crc32).toBe(0);
          expect(weight.data().length).toBe(4 * 3);
          expect(() => weight.verifyCrc()).toThrow(CheckpointError);
          expect(() => weight.verifyCrc()).toThrow(expect.objectContaining({ code: 'zip-malformed' }));
        });
      }
    });
  }
});
