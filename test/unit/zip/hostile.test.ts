/**
 * readZip on hostile and broken input: every case must end in a CheckpointError with a sensible code,
 * never a crash, a hang or an allocation the file does not justify.
 */
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CheckpointError, type CheckpointErrorCode } from '../../../src/checkpoint/errors.ts';
import { readZip } from '../../../src/checkpoint/zip/read.ts';
import { writeZip } from '../../../src/checkpoint/zip/write.ts';
import { type CraftEntry, craftZip, text } from './craft.ts';

function codeOf(action: () => unknown): CheckpointErrorCode | 'no error' {
  try {
    action();
  } catch (error) {
    if (error instanceof CheckpointError) return error.code;
    throw error;
  }
  return 'no error';
}

/** Reads the archive and every entry's data, as a loader would. */
function readAll(bytes: Uint8Array): void {
  for (const entry of readZip(bytes).entries) entry.data();
}

const plain: CraftEntry[] = [
  { name: 'archive/data.pkl', payload: text('pickle bytes') },
  { name: 'archive/data/0', payload: text('0123456789abcdef') },
];

/** A small torch-style archive: zip64 end records, descriptors, padding. */
function torchStyle(): Uint8Array {
  return writeZip([
    { name: 'archive/data.pkl', data: text('\u0080\u0002 pickle') },
    { name: 'archive/data/0', data: new Uint8Array(40).map((_, i) => i) },
    { name: 'archive/version', data: text('3\n') },
  ]);
}

describe('sanity: the crafted baselines are valid', () => {
  it('reads the crafted and torch-style baselines', () => {
    expect(readZip(craftZip(plain)).entries.map((e) => e.name)).toEqual([
      'archive/data.pkl',
      'archive/data/0',
    ]);
    expect(readZip(torchStyle()).entries.length).toBe(3);
  });
});

describe('truncation and garbage', () => {
  it('refuses the archive cut at every length', () => {
    for (const bytes of [torchStyle(), craftZip(plain)]) {
      for (let length = 0; length < bytes.length; length++) {
        const code = codeOf(() => readAll(bytes.subarray(0, length)));
        expect(['truncated', 'not-a-checkpoint', 'zip-malformed'], `cut at ${length}`).toContain(code);
      }
    }
  });

  it('says "truncated" when a zip lost its end', () => {
    const bytes = torchStyle();
    expect(codeOf(() => readZip(bytes.subarray(0, bytes.length - 10)))).toBe('truncated');
  });

  it('refuses the archive with bytes cut from its front', () => {
    const bytes = torchStyle();
    for (let drop = 1; drop < 100; drop += 7) {
      expect(['zip-malformed', 'truncated']).toContain(codeOf(() => readAll(bytes.subarray(drop))));
    }
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['21 zero bytes', new Uint8Array(21)],
    ['text', text('this is not a zip file at all, just some words. '.repeat(10))],
  ])('says not-a-checkpoint for %s', (_, bytes) => {
    expect(codeOf(() => readZip(bytes))).toBe('not-a-checkpoint');
  });

  it('survives 3,000 random byte corruptions with CheckpointErrors only', () => {
    const base = torchStyle();
    let seed = 42;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    let refused = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = base.slice();
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      if (codeOf(() => readAll(bytes)) !== 'no error') refused++;
    }
    // Payload and padding bytes are not checked (no CRC unless asked), so many corruptions pass.
    expect(refused).toBeGreaterThan(300);
  });
});

describe('end records that lie', () => {
  it('refuses a central directory offset past the end', () => {
    expect(codeOf(() => readZip(craftZip(plain, { centralDirectoryOffset: 1_000_000 })))).toBe(
      'zip-malformed',
    );
  });
  it('refuses a central directory size past the end', () => {
    expect(codeOf(() => readZip(craftZip(plain, { centralDirectorySize: 1_000_000 })))).toBe('zip-malformed');
  });
  it('refuses a central directory offset that points at something else', () => {
    expect(codeOf(() => readZip(craftZip(plain, { centralDirectoryOffset: 3 })))).toBe('zip-malformed');
  });
  it('refuses more entries than the directory holds', () => {
    expect(codeOf(() => readZip(craftZip(plain, { entryCount: 3 })))).toBe('zip-malformed');
  });
  it('refuses 10^6 and 2^52 declared entries in a tiny file at once, without allocating for them', () => {
    for (const entryCount of [1_000_000, 2 ** 52]) {
      const bytes = craftZip(plain, { entryCount, zip64: { entryCount } });
      expect(bytes.length).toBeLessThan(400);
      expect(codeOf(() => readZip(bytes))).toBe('zip-malformed');
    }
  });
  it('refuses zip64 values beyond 2^53', () => {
    const bytes = craftZip(plain, { zip64: { centralDirectoryOffset: 2n ** 60n } });
    expect(codeOf(() => readZip(bytes))).toBe('zip-malformed');
  });
  it('refuses a zip64 locator that points at garbage or past itself', () => {
    expect(codeOf(() => readZip(craftZip(plain, { zip64: { locatorOffset: 5n } })))).toBe('zip-malformed');
    expect(codeOf(() => readZip(craftZip(plain, { zip64: { locatorOffset: 10_000n } })))).toBe(
      'zip-malformed',
    );
  });
  it('refuses classic and zip64 end records that disagree', () => {
    const bytes = craftZip(plain, { zip64: { centralDirectorySize: 46n + 16n } });
    expect(codeOf(() => readZip(bytes))).toBe('zip-malformed');
  });
  it('refuses a last end record whose comment would run past the file (torch reads that record)', () => {
    const bytes = craftZip(plain);
    bytes[bytes.length - 2] = 50; // comment length 50, but no comment follows
    expect(codeOf(() => readZip(bytes))).toBe('zip-malformed');
  });
  it('refuses two archives in one file when the last end record overruns the file', () => {
    // An honest archive, then a second whose end record claims a comment: torch, torch 1.13 and Python's
    // zipfile read the second; skipping to the first one that fits would read the other.
    const first = craftZip(plain);
    const second = craftZip([{ ...plain[0]!, payload: new Uint8Array([9, 9, 9]) }]);
    const both = new Uint8Array(first.length + second.length);
    both.set(first);
    both.set(second, first.length);
    new DataView(both.buffer).setUint16(both.length - 2, 30, true);
    expect(codeOf(() => readZip(both))).toBe('zip-malformed');
  });
  it('refuses multi-disk archives', () => {
    expect(codeOf(() => readZip(craftZip(plain, { endDisk: 1 })))).toBe('zip-unsupported');
    expect(codeOf(() => readZip(craftZip([{ ...plain[0]!, disk: 2 }])))).toBe('zip-unsupported');
  });
});

describe('entries that lie', () => {
  it('refuses a local header naming another file', () => {
    expect(codeOf(() => readZip(craftZip([plain[0]!, { ...plain[1]!, localName: 'archive/data/1' }])))).toBe(
      'zip-malformed',
    );
  });
  it('refuses a missing local header signature', () => {
    expect(codeOf(() => readZip(craftZip([{ ...plain[0]!, localSignature: 0x12345678 }])))).toBe(
      'zip-malformed',
    );
  });
  it('refuses local and central methods that differ', () => {
    expect(codeOf(() => readZip(craftZip([{ ...plain[0]!, localMethod: 8 }])))).toBe('zip-malformed');
  });
  it('refuses overlapping entries', () => {
    const grown = { ...plain[0]!, size: 30, compressedSize: 30 }; // runs into the next local header
    expect(codeOf(() => readZip(craftZip([grown, plain[1]!])))).toBe('zip-malformed');
  });
  it('refuses two entries sharing one local header', () => {
    expect(codeOf(() => readZip(craftZip([plain[0]!, { ...plain[1]!, centralOffset: 0 }])))).toBe(
      'zip-malformed',
    );
  });
  it('refuses data that runs into the central directory', () => {
    const last = { ...plain[1]!, size: 100, compressedSize: 100 };
    expect(codeOf(() => readZip(craftZip([plain[0]!, last])))).toBe('zip-malformed');
  });
  it('refuses a stored entry whose sizes differ', () => {
    expect(codeOf(() => readZip(craftZip([{ ...plain[0]!, size: 5 }])))).toBe('zip-malformed');
  });
  it('refuses a "see zip64" sentinel with no zip64 extra, or a short one', () => {
    expect(codeOf(() => readZip(craftZip([{ ...plain[0]!, size: 0xffffffff }])))).toBe('zip-malformed');
    const short = new Uint8Array([1, 0, 4, 0, 1, 2, 3, 4]); // zip64 extra with 4 bytes, a size needs 8
    expect(codeOf(() => readZip(craftZip([{ ...plain[0]!, size: 0xffffffff, centralExtra: short }])))).toBe(
      'zip-malformed',
    );
  });
  it('refuses an extra field that runs past its entry', () => {
    const overlong = new Uint8Array([0x55, 0x54, 200, 0, 1, 2]);
    expect(codeOf(() => readZip(craftZip([{ ...plain[0]!, centralExtra: overlong }])))).toBe('zip-malformed');
  });
});

describe('unsupported entries', () => {
  it('refuses encrypted entries', () => {
    expect(codeOf(() => readZip(craftZip([{ ...plain[0]!, flags: 1 }])))).toBe('zip-unsupported');
  });
  it('refuses unknown compression methods (bzip2, lzma)', () => {
    for (const method of [12, 14, 99]) {
      expect(codeOf(() => readZip(craftZip([{ ...plain[0]!, method }])))).toBe('zip-unsupported');
    }
  });
});

describe('deflate streams that lie', () => {
  const zeros = new Uint8Array(50 * 1024 * 1024);
  const bomb = deflateSync(zeros, { level: 9 });

  it('stops a stream that inflates far past its declared size (zip-bomb)', () => {
    const bytes = craftZip([{ name: 'bomb', payload: bomb, method: 8, size: 1000 }]);
    const entry = readZip(bytes).get('bomb')!;
    // We stop one slice past the declared size; the output buffer never grows to the stream's 50 MiB.
    expect(codeOf(() => entry.data())).toBe('zip-bomb');
  });
  it('refuses a stream shorter than its declared size', () => {
    const small = deflateSync(text('only a few bytes'));
    const bytes = craftZip([{ name: 'short', payload: small, method: 8, size: 1000 }]);
    expect(codeOf(() => readZip(bytes).get('short')!.data())).toBe('zip-malformed');
  });
  it('refuses a declared size no deflate stream of that length can reach, before allocating it', () => {
    const small = deflateSync(text('tiny'));
    const bytes = craftZip([{ name: 'huge', payload: small, method: 8, size: 3_000_000_000 }]);
    expect(codeOf(() => readZip(bytes))).toBe('zip-malformed');
  });
  it('refuses a corrupt stream', () => {
    const garbage = new Uint8Array(64).fill(0xff);
    const bytes = craftZip([{ name: 'bad', payload: garbage, method: 8, size: 100 }]);
    expect(codeOf(() => readZip(bytes).get('bad')!.data())).toBe('zip-malformed');
  });
  it('refuses deflated entries declaring more than maxInflatedBytes in total', () => {
    const entries = [0, 1].map((i) => ({
      name: `e${i}`,
      payload: deflateSync(new Uint8Array(5000)),
      method: 8,
      size: 5000,
    }));
    expect(codeOf(() => readZip(craftZip(entries), { maxInflatedBytes: 9999 }))).toBe('zip-bomb');
    expect(codeOf(() => readAll(craftZip(entries)))).toBe('no error');
  });
});

describe('entry names', () => {
  it.each([
    ['../escape'],
    ['archive/../../etc/passwd'],
    ['/absolute'],
    ['C:windows'],
    ['a\\b'],
    ['a\0b'],
    [''],
  ])('refuses %j', (name) => {
    expect(codeOf(() => readZip(craftZip([{ name, payload: text('x') }])))).toBe('bad-entry-name');
  });
  it('refuses duplicate names', () => {
    expect(codeOf(() => readZip(craftZip([plain[0]!, { ...plain[1]!, name: plain[0]!.name }])))).toBe(
      'bad-entry-name',
    );
  });
  it('refuses a name flagged UTF-8 that is not', () => {
    const entry = {
      name: 'x',
      rawName: new Uint8Array([0x61, 0xff, 0x62]),
      flags: 0x800,
      payload: text('x'),
    };
    expect(codeOf(() => readZip(craftZip([entry])))).toBe('bad-entry-name');
  });
  it('decodes names without the UTF-8 flag as code page 437, as Python zipfile does', () => {
    const entry = { name: 'unused', rawName: new Uint8Array([0x61, 0x80, 0xe1]), payload: text('x') };
    expect(readZip(craftZip([entry])).entries[0]!.name).toBe('a\u00c7\u00df'); // 'aÇß'
  });
  it('names the entry and its offset in errors', () => {
    const bytes = craftZip([plain[0]!, { ...plain[1]!, localName: 'archive/data/9' }]);
    expect(() => readZip(bytes)).toThrow(/archive\/data\/0@\d+/);
  });
});
