/**
 * String encodings the pickle format uses. CPython writes `str` as UTF-8 with `surrogatepass` (a lone
 * surrogate becomes a 3-byte sequence that strict UTF-8 refuses), so both directions handle that case;
 * everything else must be valid UTF-8. Latin-1 is done by hand because `TextDecoder('latin1')` is really
 * windows-1252.
 */
import { CheckpointError } from '../errors.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Most pickle strings are short ASCII keys: decoding them without TextDecoder is several times faster. */
const shortAsciiMax = 64;

export function decodeUtf8(bytes: Uint8Array, at: string): string {
  if (bytes.length <= shortAsciiMax && isAscii(bytes)) return charCodes(bytes);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return decodeUtf8SurrogatePass(bytes, at);
  }
}

export function encodeUtf8(text: string): Uint8Array {
  return loneSurrogate.test(text) ? encodeUtf8SurrogatePass(text) : utf8Encoder.encode(text);
}

export function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  const chunk = 8192; // keeps the spread argument count well under engine limits
  for (let i = 0; i < bytes.length; i += chunk) {
    out += charCodes(bytes.subarray(i, i + chunk));
  }
  return out;
}

/** Returns undefined when a character is above U+00FF (not representable in Latin-1). */
export function encodeLatin1(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return undefined;
    out[i] = code;
  }
  return out;
}

/** One char per byte. `apply` takes the typed array directly: several times faster than spreading it. */
function charCodes(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

/** Strict UTF-8 except that encoded surrogates (ED A0..BF xx) are accepted, as CPython's surrogatepass. */
function decodeUtf8SurrogatePass(bytes: Uint8Array, at: string): string {
  const bad = (): never => {
    throw new CheckpointError('pickle-malformed', 'string is not valid UTF-8', at);
  };
  const units: number[] = [];
  let out = '';
  let i = 0;
  const cont = (k: number): number => {
    const b = bytes[i + k];
    if (b === undefined || (b & 0xc0) !== 0x80) bad();
    return (b as number) & 0x3f;
  };
  while (i < bytes.length) {
    const b0 = bytes[i] as number;
    let code: number;
    if (b0 < 0x80) {
      code = b0;
      i += 1;
    } else if (b0 >= 0xc2 && b0 < 0xe0) {
      code = ((b0 & 0x1f) << 6) | cont(1);
      i += 2;
    } else if (b0 >= 0xe0 && b0 < 0xf0) {
      code = ((b0 & 0x0f) << 12) | (cont(1) << 6) | cont(2);
      if (code < 0x800) bad(); // overlong
      i += 3;
    } else if (b0 >= 0xf0 && b0 < 0xf5) {
      code = ((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
      if (code < 0x10000 || code > 0x10ffff) bad();
      i += 4;
    } else {
      return bad();
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
    } else {
      units.push(code);
    }
    if (units.length >= 8192) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

function encodeUtf8SurrogatePass(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (code >= 0xd800 && code < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
      i++;
    }
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else {
      out.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 0x3f),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      );
    }
  }
  return Uint8Array.from(out);
}
