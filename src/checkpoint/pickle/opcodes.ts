/**
 * Pickle opcodes, protocols 0 to 5, as CPython's `Lib/pickletools.py` names them. The byte values are the
 * wire format; the names are what error messages print.
 */
export const OP = {
  // Protocol 0 and 1.
  MARK: 0x28, // (
  STOP: 0x2e, // .
  POP: 0x30, // 0
  POP_MARK: 0x31, // 1
  DUP: 0x32, // 2
  FLOAT: 0x46, // F  text float, newline-terminated
  INT: 0x49, // I  text int (I00/I01 are False/True)
  BININT: 0x4a, // J  i32 little-endian, signed
  BININT1: 0x4b, // K  u8
  LONG: 0x4c, // L  text long, optional trailing L
  BININT2: 0x4d, // M  u16 little-endian
  NONE: 0x4e, // N
  PERSID: 0x50, // P  text persistent id
  BINPERSID: 0x51, // Q
  REDUCE: 0x52, // R
  STRING: 0x53, // S  repr-quoted Python 2 str
  BINSTRING: 0x54, // T  i32 length + bytes
  SHORT_BINSTRING: 0x55, // U  u8 length + bytes
  UNICODE: 0x56, // V  raw-unicode-escape text
  BINUNICODE: 0x58, // X  u32 length + UTF-8
  EMPTY_LIST: 0x5d, // ]
  APPEND: 0x61, // a
  BUILD: 0x62, // b
  GLOBAL: 0x63, // c  module\nname\n
  DICT: 0x64, // d
  APPENDS: 0x65, // e
  GET: 0x67, // g  text memo index
  BINGET: 0x68, // h  u8 memo index
  INST: 0x69, // i
  LONG_BINGET: 0x6a, // j  u32 memo index
  LIST: 0x6c, // l
  OBJ: 0x6f, // o
  PUT: 0x70, // p  text memo index
  BINPUT: 0x71, // q  u8 memo index
  LONG_BINPUT: 0x72, // r  u32 memo index
  SETITEM: 0x73, // s
  TUPLE: 0x74, // t
  SETITEMS: 0x75, // u
  EMPTY_TUPLE: 0x29, // )
  EMPTY_DICT: 0x7d, // }
  BINFLOAT: 0x47, // G  f64 big-endian
  // Protocol 2.
  PROTO: 0x80,
  NEWOBJ: 0x81,
  EXT1: 0x82,
  EXT2: 0x83,
  EXT4: 0x84,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a, // u8 length + little-endian two's complement
  LONG4: 0x8b, // i32 length + little-endian two's complement
  // Protocol 3.
  BINBYTES: 0x42, // B  u32 length + bytes
  SHORT_BINBYTES: 0x43, // C  u8 length + bytes
  // Protocol 4.
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
  // Protocol 5.
  BYTEARRAY8: 0x96,
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
} as const;

export type OpcodeName = keyof typeof OP;

const names = new Map<number, OpcodeName>(
  (Object.entries(OP) as [OpcodeName, number][]).map(([name, byte]) => [byte, name]),
);

/** `BINPUT (0x71)` for a known opcode, `0x07` for a byte that is none. */
export function describeOpcode(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  const name = names.get(byte);
  return name === undefined ? `unknown opcode ${hex}` : `${name} (${hex})`;
}
