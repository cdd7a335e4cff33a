/**
 * Operands of the protocol 0 text opcodes (INT, LONG, FLOAT, STRING, UNICODE, GET/PUT), parsed the way
 * CPython's `pickle.py` parses them, but only in the forms pickles contain: decimal ints, `repr` floats,
 * repr-quoted strings and raw-unicode-escape text. Anything else is malformed.
 */
import { CheckpointError } from '../errors.ts';
import { decodeLatin1 } from './text.ts';

const decimalInt = /^[+-]?\d+$/;
const floatRepr = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

function malformed(message: string): never {
  throw new CheckpointError('pickle-malformed', message);
}

/** INT: `I01\n` and `I00\n` are True and False (protocol 0 bools); otherwise a decimal int. */
export function parseIntLine(line: Uint8Array, maxDigits: number): bigint | boolean {
  const text = decodeLatin1(line);
  if (text === '01') return true;
  if (text === '00') return false;
  return parseDecimal(text, maxDigits, 'INT');
}

/** LONG: a decimal int with Python 2's optional trailing `L`. */
export function parseLongLine(line: Uint8Array, maxDigits: number): bigint {
  const text = decodeLatin1(line);
  return parseDecimal(text.endsWith('L') ? text.slice(0, -1) : text, maxDigits, 'LONG');
}

function parseDecimal(text: string, maxDigits: number, what: string): bigint {
  if (text.length > maxDigits + 1) {
    throw new CheckpointError('limit-exceeded', `${what} has more than ${maxDigits} digits`);
  }
  if (!decimalInt.test(text)) malformed(`${what} operand '${text.slice(0, 40)}' is not a decimal integer`);
  return BigInt(text);
}

export function parseFloatLine(line: Uint8Array): number {
  const text = decodeLatin1(line);
  if (!floatRepr.test(text)) malformed(`FLOAT operand '${text.slice(0, 40)}' is not a float`);
  const lower = text.toLowerCase();
  if (lower.includes('nan')) return NaN;
  if (lower.includes('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

/** GET/PUT: a decimal memo index. */
export function parseMemoIndex(line: Uint8Array): number {
  const text = decodeLatin1(line);
  if (!/^\d{1,15}$/.test(text)) malformed(`memo index '${text.slice(0, 40)}' is not a decimal integer`);
  return Number(text);
}

const simpleEscapes = new Map<number, number>([
  [0x5c, 0x5c], // \\
  [0x27, 0x27], // \'
  [0x22, 0x22], // \"
  [0x61, 0x07], // \a
  [0x62, 0x08], // \b
  [0x66, 0x0c], // \f
  [0x6e, 0x0a], // \n
  [0x72, 0x0d], // \r
  [0x74, 0x09], // \t
  [0x76, 0x0b], // \v
]);

/** STRING: `'...'` or `"..."` with Python's `string_escape` escapes, giving the raw bytes. */
export function unquoteStringLine(line: Uint8Array): Uint8Array {
  const quote = line[0];
  if (line.length < 2 || (quote !== 0x27 && quote !== 0x22) || line[line.length - 1] !== quote) {
    malformed('the STRING opcode argument must be quoted');
  }
  const body = line.subarray(1, line.length - 1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const byte = body[i] as number;
    if (byte !== 0x5c) {
      out.push(byte);
      continue;
    }
    const next = body[++i];
    if (next === undefined) malformed('STRING ends with a lone backslash');
    const simple = simpleEscapes.get(next);
    if (simple !== undefined) {
      out.push(simple);
    } else if (next === 0x78) {
      const hex = decodeLatin1(body.subarray(i + 1, i + 3));
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) malformed('STRING has an invalid \\x escape');
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (next >= 0x30 && next <= 0x37) {
      let value = next - 0x30;
      for (let k = 0; k < 2 && (body[i + 1] ?? 0) >= 0x30 && (body[i + 1] ?? 0) <= 0x37; k++) {
        value = value * 8 + ((body[++i] as number) - 0x30);
      }
      out.push(value & 0xff);
    } else {
      out.push(0x5c, next); // Python keeps unknown escapes as written
    }
  }
  return Uint8Array.from(out);
}

/** UNICODE: Latin-1 text in which `\uXXXX` and `\UXXXXXXXX` stand for code points. */
export function decodeRawUnicodeEscape(line: Uint8Array): string {
  const text = decodeLatin1(line);
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_match, short?: string, long?: string) => {
    const code = parseInt(short ?? (long as string), 16);
    if (code > 0x10ffff) malformed('UNICODE escape beyond U+10FFFF');
    return String.fromCodePoint(code);
  });
}
