/**
 * writeZip against the real thing: given the (name, payload) list torch wrote, our bytes must equal
 * torch's file byte for byte (torch 1.13 and 2.6), and Python's zipfile must read and CRC-check them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from '../../../src/checkpoint/zip/read.ts';
import { writeZip } from '../../../src/checkpoint/zip/write.ts';
import {
  hostPython,
  type ListedEntry,
  type PythonWorkspace,
  pythonZipListing,
  trixiePython,
} from './python-reference.ts';

const torchSaves = `
import collections, io, json, os, torch
${pythonZipListing}
torch.manual_seed(0)
sd = collections.OrderedDict()
for i in range(12):  # 12 storages: torch writes data/0, data/1, data/10, data/11, data/2, ...
    sd[f'layer{i}.weight'] = torch.randn(i + 1, 3)
sd['big'] = torch.randn(300, 1000)
sd['empty'] = torch.zeros(0, 4)
sd['half'] = torch.randn(5).half()
sd['steps'] = torch.tensor(7, dtype=torch.int64)
sd['tied'] = sd['layer3.weight']  # shares a storage: one record, two references
buffer = io.BytesIO()
torch.save(sd, buffer)
with open(os.path.join(DIR, 'buffer.pt'), 'wb') as f:
    f.write(buffer.getvalue())
torch.save(sd, os.path.join(DIR, 'model.pth.tar'))
print(json.dumps({n: listing(os.path.join(DIR, n)) for n in ['buffer.pt', 'model.pth.tar']}))
`;

const zipfileCheck = `
import json, os, sys, zipfile
${pythonZipListing}
with zipfile.ZipFile(os.path.join(DIR, 'ours.zip')) as z:
    bad = z.testzip()
print(json.dumps({'testzip': bad, 'listing': listing(os.path.join(DIR, 'ours.zip'))}))
`;

type Listing = Record<string, ListedEntry[]>;

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function entriesOf(listed: ListedEntry[]) {
  return listed.map((e) => ({ name: e.name, data: new Uint8Array(Buffer.from(e.data ?? '', 'base64')) }));
}

const versions = [
  { label: 'torch 1.13', workspace: hostPython },
  { label: 'torch 2.6', workspace: trixiePython },
] as const;

for (const { label, workspace } of versions) {
  describe(`writeZip is byte-identical to ${label}`, () => {
    let py: PythonWorkspace;
    let listing: Listing;
    beforeAll(() => {
      py = workspace();
      listing = JSON.parse(py.run(torchSaves)) as Listing;
    }, 120_000);
    afterAll(() => py.dispose());

    for (const file of ['buffer.pt', 'model.pth.tar']) {
      it(`${file}: same entries, same order, same bytes`, () => {
        const theirs = py.read(file);
        const ours = writeZip(entriesOf(listing[file]!));
        expect(firstDifference(ours, theirs), `first differing byte of ${ours.length}/${theirs.length}`).toBe(
          -1,
        );
      });
    }

    it('gives the same bytes when payloads come in pieces', () => {
      const entries = entriesOf(listing['buffer.pt']!);
      const pieces = entries.map(({ name, data }) => ({
        name,
        data: [data.subarray(0, 3), data.subarray(3, 3), data.subarray(3)],
      }));
      expect(firstDifference(writeZip(pieces), py.read('buffer.pt'))).toBe(-1);
    });
  });
}

describe('Python zipfile reads what writeZip writes', () => {
  let py: PythonWorkspace;
  beforeAll(() => {
    py = hostPython();
  });
  afterAll(() => py.dispose());

  it('lists every entry with correct sizes and CRCs (testzip passes)', () => {
    const entries = [
      { name: 'archive/data.pkl', data: new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]) },
      { name: 'archive/empty', data: new Uint8Array(0) },
      { name: 'archive/data/0', data: new Uint8Array(100_003).map((_, i) => (i * 7919) & 0xff) },
      { name: 'archive/\u00fcnicode-\u6587', data: new TextEncoder().encode('utf-8 names get flag bit 11') },
    ];
    py.write('ours.zip', writeZip(entries));
    const result = JSON.parse(py.run(zipfileCheck)) as { testzip: string | null; listing: ListedEntry[] };
    expect(result.testzip).toBeNull();
    expect(result.listing.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    result.listing.forEach((listed, i) => {
      expect(Buffer.from(listed.data ?? '', 'base64').equals(entries[i]!.data)).toBe(true);
    });
  }, 60_000);

  it('writes an empty archive that both readers accept', () => {
    py.write('ours.zip', writeZip([]));
    const result = JSON.parse(py.run(zipfileCheck)) as { testzip: string | null; listing: ListedEntry[] };
    expect(result.listing).toEqual([]);
    expect(readZip(writeZip([])).entries).toEqual([]);
  }, 60_000);
});

describe('writeZip refusals', () => {
  const data = new Uint8Array(1);
  it.each([['../escape'], ['/absolute'], ['a\\b'], ['a\0b'], ['']])('refuses the name %j', (name) => {
    expect(() => writeZip([{ name, data }])).toThrow(expect.objectContaining({ code: 'bad-entry-name' }));
  });
  it('refuses duplicate names', () => {
    expect(() =>
      writeZip([
        { name: 'a/x', data },
        { name: 'a/x', data },
      ]),
    ).toThrow(expect.objectContaining({ code: 'bad-entry-name' }));
  });
});
