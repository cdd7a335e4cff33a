/**
 * The writer's layout and record encodings on sizes no test can allocate. The zip64 expectations are the
 * bytes of a real > 4 GiB torch 2.6 checkpoint (fixtures/make-torch-zip64-headers.py made them).
 */
import { describe, expect, it } from 'vitest';
import {
  writeCentralHeader,
  writeDescriptor,
  writeEndRecords,
  writeLocalHeader,
} from '../../../src/checkpoint/zip/headers.ts';
import { type EntryLayout, planZip } from '../../../src/checkpoint/zip/layout.ts';
import torch26 from './fixtures/torch26-zip64-headers.json' with { type: 'json' };

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const utf8 = new TextEncoder();

describe('planZip against a real > 4 GiB torch 2.6 file', () => {
  const names = torch26.entries.map((e) => utf8.encode(e.name));
  const layout = planZip(torch26.entries.map((e, i) => ({ nameLength: names[i]!.length, size: e.size })));

  it('puts every header, payload and the central directory where torch did', () => {
    expect(layout.entries.map((e) => e.headerOffset)).toEqual(torch26.entries.map((e) => e.header_offset));
    expect(layout.entries.map((e) => e.payloadOffset)).toEqual(torch26.entries.map((e) => e.data_at));
    expect(layout.centralDirectoryOffset).toBe(torch26.start_dir);
    expect(layout.totalLength).toBe(torch26.total);
  });

  it('exercises both zip64 branches (size overflow, then offset overflow)', () => {
    expect(layout.entries.map((e) => [e.sizeOverflows, e.offsetOverflows])).toEqual([
      [false, false],
      [false, false],
      [false, false],
      [true, false],
      [false, true],
      [false, true],
      [false, true],
    ]);
  });

  it('encodes each local header exactly as torch did', () => {
    layout.entries.forEach((entry, i) => {
      const expected = torch26.entries[i]!.local;
      const out = new Uint8Array(expected.length / 2);
      writeLocalHeader(out, 0, entry, names[i]!, torch26.entries[i]!.size);
      expect(hex(out), torch26.entries[i]!.name).toBe(expected);
    });
  });

  it('encodes each data descriptor exactly as torch did (24 bytes once zip64 applies)', () => {
    layout.entries.forEach((entry, i) => {
      const { descriptor, crc, size, name } = torch26.entries[i]!;
      const out = new Uint8Array(entry.descriptorLength);
      writeDescriptor(out, 0, entry, crc, size);
      expect(hex(out), name).toBe(descriptor.slice(0, entry.descriptorLength * 2));
    });
  });

  it('encodes the central directory and end records exactly as torch did', () => {
    const out = new Uint8Array(torch26.total - torch26.start_dir);
    layout.entries.forEach((entry, i) => {
      const { crc, size } = torch26.entries[i]!;
      writeCentralHeader(out, entry.centralOffset - torch26.start_dir, entry, names[i]!, size, crc);
    });
    writeEndRecords(out, layout.zip64EndOffset - torch26.start_dir, layout, layout.entries.length);
    expect(hex(out)).toBe(torch26.central_and_end);
  });
});

describe('planZip rules', () => {
  const entry = (layout: ReturnType<typeof planZip>, i: number): EntryLayout => layout.entries[i]!;

  it('aligns every payload to 64 bytes whatever the name length', () => {
    for (let nameLength = 1; nameLength <= 130; nameLength++) {
      const layout = planZip([
        { nameLength, size: 7 },
        { nameLength: 3, size: 100 },
      ]);
      for (const e of layout.entries) {
        expect(e.payloadOffset % 64).toBe(0);
        expect(e.padding).toBeLessThan(64);
        expect(e.payloadOffset).toBe(
          e.headerOffset + 30 + (e === layout.entries[0] ? nameLength : 3) + e.localExtraLength,
        );
      }
      // The next header starts right after the previous 16-byte descriptor.
      expect(entry(layout, 1).headerOffset).toBe(entry(layout, 0).payloadOffset + 7 + 16);
    }
  });

  it('switches to zip64 at a size of exactly 0xFFFFFFFF, as miniz does (>=)', () => {
    const below = entry(planZip([{ nameLength: 5, size: 0xfffffffe }]), 0);
    const at = entry(planZip([{ nameLength: 5, size: 0xffffffff }]), 0);
    expect([below.sizeOverflows, below.zip64ExtraLength, below.descriptorLength]).toEqual([false, 0, 16]);
    expect([at.sizeOverflows, at.zip64ExtraLength, at.descriptorLength]).toEqual([true, 20, 24]);
    expect(at.payloadOffset % 64).toBe(0);
  });

  it('switches to zip64 for a header at offset 0xFFFFFFFF or beyond', () => {
    // The first entry's size is chosen so that the second header lands exactly on 0xFFFFFFFF.
    const first = planZip([{ nameLength: 5, size: 0 }]).entries[0]!;
    const size = 0xffffffff - first.payloadOffset - 16 - 1; // one short: header at 0xFFFFFFFE
    const short = planZip([
      { nameLength: 5, size },
      { nameLength: 5, size: 1 },
    ]);
    expect(entry(short, 1).headerOffset).toBe(0xfffffffe);
    expect(entry(short, 1).offsetOverflows).toBe(false);
    const exact = planZip([
      { nameLength: 5, size: size + 1 },
      { nameLength: 5, size: 1 },
    ]);
    expect(entry(exact, 1).headerOffset).toBe(0xffffffff);
    expect([entry(exact, 1).offsetOverflows, entry(exact, 1).zip64ExtraLength]).toEqual([true, 12]);
    expect(entry(exact, 1).descriptorLength).toBe(24);
    expect(entry(exact, 1).centralLength).toBe(46 + 5 + 12);
  });

  it('records central directory offset 0 for an empty archive, as miniz does', () => {
    const layout = planZip([]);
    expect(layout.centralDirectoryOffset).toBe(0);
    expect(layout.totalLength).toBe(56 + 20 + 22);
  });
});
