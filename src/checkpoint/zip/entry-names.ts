/**
 * Entry names: decoding (UTF-8 when flag bit 11 says so, otherwise IBM code page 437 as APPNOTE appendix D
 * and Python's zipfile do) and the checks that keep a name from escaping wherever it might be extracted.
 */
import { CheckpointError } from '../errors.ts';

/** Bytes 0x80..0xFF of code page 437 (generated from Python's `bytes(range(128, 256)).decode('cp437')`). */
const cp437High =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeEntryName(raw: Uint8Array, isUtf8: boolean, at: string): string {
  if (isUtf8) {
    try {
      return utf8.decode(raw);
    } catch {
      throw new CheckpointError('bad-entry-name', 'entry name is flagged UTF-8 but is not valid UTF-8', at);
    }
  }
  let name = '';
  for (const byte of raw) name += byte < 0x80 ? String.fromCharCode(byte) : cp437High[byte - 0x80];
  return name;
}

/**
 * Refuses names that could write outside an extraction folder or that different tools would read
 * differently: empty, absolute (`/x`, `C:x`), containing a backslash or NUL, or with a `..` segment.
 */
export function checkEntryName(name: string, at: string): void {
  const refuse = (why: string): never => {
    throw new CheckpointError('bad-entry-name', `entry name ${JSON.stringify(name)} ${why}`, at);
  };
  if (name.length === 0) refuse('is empty');
  if (name.includes('\0')) refuse('contains a NUL character');
  if (name.includes('\\')) refuse('contains a backslash');
  if (name.startsWith('/')) refuse('is an absolute path');
  if (/^[A-Za-z]:/.test(name)) refuse('starts with a drive letter');
  if (name.split('/').includes('..')) refuse('has a ".." segment');
}
