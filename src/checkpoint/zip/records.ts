/**
 * The fixed parts of the zip records the reader and writer share (APPNOTE.TXT 4.3; FORMAT.md §1): their
 * signatures, fixed lengths, and the sentinels that say "the real value is in a zip64 field".
 */

export const signature = {
  localHeader: 0x04034b50, // PK\3\4
  dataDescriptor: 0x08074b50, // PK\7\8
  centralHeader: 0x02014b50, // PK\1\2
  zip64End: 0x06064b50, // PK\6\6
  zip64Locator: 0x07064b50, // PK\6\7
  end: 0x06054b50, // PK\5\6
} as const;

/** Lengths of the fixed-size part of each record, before any variable-length name, extra or comment. */
export const fixedSize = {
  localHeader: 30,
  centralHeader: 46,
  zip64End: 56,
  zip64Locator: 20,
  end: 22,
  dataDescriptor32: 16,
  dataDescriptor64: 24,
} as const;

/** A u32 size/offset field holding this (or a u16 count holding 0xFFFF) means "see the zip64 record". */
export const u32Sentinel = 0xffffffff;
export const u16Sentinel = 0xffff;

/** Extra-field header ids. */
export const extraId = {
  zip64: 0x0001,
  /** torch's alignment padding, "FB" (caffe2/serialize/inline_container.cc `getPadding`). */
  torchPadding: 0x4246,
} as const;

/** General-purpose flag bits (APPNOTE 4.4.4). */
export const flag = {
  encrypted: 0x0001,
  dataDescriptor: 0x0008,
  strongEncryption: 0x0040,
  utf8Name: 0x0800,
  maskedHeaders: 0x2000,
} as const;

export const method = {
  stored: 0,
  deflate: 8,
} as const;

/** The longest a classic end record's trailing comment can be, which bounds the backwards search. */
export const maxCommentLength = 0xffff;
