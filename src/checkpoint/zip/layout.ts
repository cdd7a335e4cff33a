/**
 * Where every byte of a torch-style zip goes, computed from entry name lengths and payload sizes alone.
 * Pure arithmetic, so the zip64 branches (sizes or offsets ≥ 4 GiB, which no test can allocate) are tested
 * with made-up sizes.
 *
 * The rules are miniz's `mz_zip_writer_add_mem_ex_v2` with the zip64 flag, as torch calls it
 * (caffe2/serialize/inline_container.cc `writeRecord`, `getPadding`; FORMAT.md §1):
 * - local header: 30 bytes + name + [zip64 extra] + "FB" padding extra, payload 64-byte aligned;
 * - a zip64 extra (id 1) appears when size ≥ 0xFFFFFFFF or the header offset ≥ 0xFFFFFFFF and holds,
 *   in order, size and compressed size (when size overflowed), then the header offset (when it did);
 * - a data descriptor follows every non-empty payload: 24 bytes (u64 sizes) whenever that zip64 extra
 *   exists, else 16; an empty entry has none, and its flags lack bit 3 (miniz sets "has descriptor" only
 *   when there is data; seen in torch 2.6 files holding an empty tensor);
 * - the central directory entry repeats the zip64 extra, never the padding;
 * - then a zip64 end record, its locator and the classic end record, always.
 */
import { fixedSize, flag, u32Sentinel } from './records.ts';

/** torch aligns each payload to this (`kFieldAlignment`), so `torch.load(mmap=True)` can map tensors. */
export const payloadAlignment = 64;

export interface EntryLayout {
  readonly headerOffset: number;
  /** General-purpose flags, the same in both headers: UTF-8 name, plus "descriptor follows" if non-empty. */
  readonly flags: number;
  /** The zip64 extra, in both headers; 0 when not needed, else 4 + 8 per overflowed field. */
  readonly zip64ExtraLength: number;
  readonly sizeOverflows: boolean;
  readonly offsetOverflows: boolean;
  /** Bytes of 'Z' after the 4-byte "FB" padding-extra header. */
  readonly padding: number;
  readonly localExtraLength: number;
  readonly payloadOffset: number;
  readonly descriptorOffset: number;
  /** 0 for an empty entry. */
  readonly descriptorLength: number;
  /** This entry's central directory record. */
  readonly centralOffset: number;
  readonly centralLength: number;
}

export interface ZipLayout {
  readonly entries: readonly EntryLayout[];
  /** 0 when there are no entries, as miniz writes it. */
  readonly centralDirectoryOffset: number;
  readonly centralDirectoryLength: number;
  readonly zip64EndOffset: number;
  readonly zip64LocatorOffset: number;
  readonly endOffset: number;
  readonly totalLength: number;
}

export function planZip(
  entries: readonly { readonly nameLength: number; readonly size: number }[],
): ZipLayout {
  const planned: Omit<EntryLayout, 'centralOffset' | 'centralLength'>[] = [];
  let cursor = 0;
  for (const { nameLength, size } of entries) {
    const sizeOverflows = size >= u32Sentinel;
    const offsetOverflows = cursor >= u32Sentinel;
    const zip64ExtraLength =
      sizeOverflows || offsetOverflows ? 4 + (sizeOverflows ? 16 : 0) + (offsetOverflows ? 8 : 0) : 0;
    // The padding extra's own 4-byte header counts before the alignment is measured ([ic] getPadding).
    const unpadded = cursor + fixedSize.localHeader + nameLength + zip64ExtraLength + 4;
    const padding = (payloadAlignment - (unpadded % payloadAlignment)) % payloadAlignment;
    const payloadOffset = unpadded + padding;
    const hasDescriptor = size > 0;
    const descriptorLength = !hasDescriptor
      ? 0
      : zip64ExtraLength > 0
        ? fixedSize.dataDescriptor64
        : fixedSize.dataDescriptor32;
    planned.push({
      headerOffset: cursor,
      flags: flag.utf8Name | (hasDescriptor ? flag.dataDescriptor : 0),
      zip64ExtraLength,
      sizeOverflows,
      offsetOverflows,
      padding,
      localExtraLength: zip64ExtraLength + 4 + padding,
      payloadOffset,
      descriptorOffset: payloadOffset + size,
      descriptorLength,
    });
    cursor = payloadOffset + size + descriptorLength;
  }

  const centralDirectoryStart = cursor;
  const laidOut: EntryLayout[] = planned.map((entry, index) => {
    const centralLength =
      fixedSize.centralHeader + (entries[index]?.nameLength ?? 0) + entry.zip64ExtraLength;
    const centralOffset = cursor;
    cursor += centralLength;
    return { ...entry, centralOffset, centralLength };
  });
  const centralDirectoryLength = cursor - centralDirectoryStart;
  const zip64EndOffset = cursor;
  const zip64LocatorOffset = zip64EndOffset + fixedSize.zip64End;
  const endOffset = zip64LocatorOffset + fixedSize.zip64Locator;
  return {
    entries: laidOut,
    centralDirectoryOffset: entries.length === 0 ? 0 : centralDirectoryStart,
    centralDirectoryLength,
    zip64EndOffset,
    zip64LocatorOffset,
    endOffset,
    totalLength: endOffset + fixedSize.end,
  };
}
