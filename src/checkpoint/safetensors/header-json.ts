/**
 * A strict reader for the one JSON shape a safetensors header may have (FORMAT.md §8):
 *
 *   { "__metadata__": { "<key>": "<string>", ... } | null,            (optional)
 *     "<tensor name>": { "dtype": "<code>", "shape": [<uint>, ...], "data_offsets": [<uint>, <uint>] }, ... }
 *
 * It follows the schema instead of building a generic JSON tree, so it can refuse what `JSON.parse` would
 * silently accept: duplicate keys (JSON.parse keeps the last), unknown or repeated tensor fields,
 * non-integer or negative sizes ("1.0", "1e3", "-0"), integers beyond 2^53, lone surrogate escapes,
 * anything before the opening brace. Whitespace may follow the closing brace (the Rust writer pads with
 * spaces; serde_json accepts any JSON whitespace there). Nesting is fixed, so there is no recursion a deep
 * header could overflow.
 */
import { CheckpointError } from '../errors.ts';

export interface HeaderTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

export interface ParsedHeader {
  /** In header order. */
  readonly tensors: readonly HeaderTensor[];
  /** undefined when `__metadata__` is absent or null. */
  readonly metadata: Map<string, string> | undefined;
}

const metadataKey = '__metadata__';

export function parseHeader(text: string): ParsedHeader {
  const json = new JsonCursor(text);
  const tensors: HeaderTensor[] = [];
  let metadata: Map<string, string> | undefined;
  let sawMetadata = false;
  const seen = new Set<string>();

  json.expect('{'); // no leading whitespace: the header must start with '{'
  json.objectEntries((key) => {
    if (seen.has(key)) json.fail(`duplicate key ${JSON.stringify(key)}`);
    seen.add(key);
    if (key === metadataKey) {
      sawMetadata = true;
      metadata = readMetadata(json);
    } else {
      tensors.push(readTensor(json, key));
    }
  });
  json.skipWhitespace();
  if (!json.atEnd()) json.fail('unexpected data after the header object');
  return { tensors, metadata: sawMetadata ? metadata : undefined };
}

function readMetadata(json: JsonCursor): Map<string, string> | undefined {
  json.skipWhitespace();
  if (json.tryLiteral('null')) return undefined;
  const metadata = new Map<string, string>();
  json.expect('{');
  json.objectEntries((key) => {
    if (metadata.has(key)) json.fail(`duplicate __metadata__ key ${JSON.stringify(key)}`);
    json.skipWhitespace();
    if (json.peek() !== '"') json.fail(`__metadata__ value for ${JSON.stringify(key)} is not a string`);
    metadata.set(key, json.string());
  });
  return metadata;
}

function readTensor(json: JsonCursor, name: string): HeaderTensor {
  let dtype: string | undefined;
  let shape: number[] | undefined;
  let offsets: number[] | undefined;
  json.skipWhitespace();
  if (json.peek() !== '{') json.fail(`tensor ${JSON.stringify(name)} is not an object`);
  json.expect('{');
  json.objectEntries((field) => {
    const repeated = () => json.fail(`tensor ${JSON.stringify(name)} repeats "${field}"`);
    if (field === 'dtype') {
      if (dtype !== undefined) repeated();
      json.skipWhitespace();
      if (json.peek() !== '"') json.fail(`dtype of ${JSON.stringify(name)} is not a string`);
      dtype = json.string();
    } else if (field === 'shape') {
      if (shape !== undefined) repeated();
      shape = json.uintArray();
    } else if (field === 'data_offsets') {
      if (offsets !== undefined) repeated();
      offsets = json.uintArray();
      if (offsets.length !== 2)
        json.fail(`data_offsets of ${JSON.stringify(name)} must hold exactly 2 numbers`);
    } else {
      json.fail(`tensor ${JSON.stringify(name)} has an unknown field ${JSON.stringify(field)}`);
    }
  });
  if (dtype === undefined || shape === undefined || offsets === undefined) {
    json.fail(`tensor ${JSON.stringify(name)} needs dtype, shape and data_offsets`);
  }
  return { name, dtype, shape, begin: offsets[0] as number, end: offsets[1] as number };
}

/** A position in the header text with the few JSON productions the schema needs. */
class JsonCursor {
  private position = 0;

  constructor(private readonly text: string) {}

  fail(why: string): never {
    throw new CheckpointError('safetensors-malformed', `invalid header: ${why}`, `header@${this.position}`);
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text[this.position] ?? '';
  }

  skipWhitespace(): void {
    for (;;) {
      const code = this.text.charCodeAt(this.position);
      if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return;
      this.position++;
    }
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected '${char}'`);
    this.position++;
  }

  tryLiteral(word: string): boolean {
    if (!this.text.startsWith(word, this.position)) return false;
    this.position += word.length;
    return true;
  }

  /** Reads `"key": value, ...}` after an opening brace, handing each key to `onEntry` to read its value. */
  objectEntries(onEntry: (key: string) => void): void {
    this.skipWhitespace();
    if (this.peek() === '}') {
      this.position++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.peek() !== '"') this.fail('expected a string key');
      const key = this.string();
      this.skipWhitespace();
      this.expect(':');
      onEntry(key);
      this.skipWhitespace();
      if (this.peek() === '}') {
        this.position++;
        return;
      }
      this.expect(',');
    }
  }

  /** `[uint, ...]`: plain non-negative integers, no sign, fraction, exponent or leading zero. */
  uintArray(): number[] {
    const values: number[] = [];
    this.skipWhitespace();
    this.expect('[');
    this.skipWhitespace();
    if (this.peek() === ']') {
      this.position++;
      return values;
    }
    for (;;) {
      this.skipWhitespace();
      values.push(this.uint());
      this.skipWhitespace();
      if (this.peek() === ']') {
        this.position++;
        return values;
      }
      this.expect(',');
    }
  }

  private uint(): number {
    const match = /^(0|[1-9][0-9]*)(?![0-9.eE+-])/.exec(this.text.slice(this.position, this.position + 32));
    if (match === null) this.fail('expected a non-negative integer');
    const digits = match[1] as string;
    const value = Number(digits);
    if (!Number.isSafeInteger(value)) this.fail(`integer ${digits} is beyond 2^53`);
    this.position += digits.length;
    return value;
  }

  /** A JSON string at the cursor, escapes decoded; lone surrogates and raw control characters refused. */
  string(): string {
    this.expect('"');
    let out = '';
    let runStart = this.position;
    for (;;) {
      const code = this.text.charCodeAt(this.position);
      if (Number.isNaN(code)) this.fail('unterminated string');
      if (code < 0x20) this.fail('control character inside a string');
      if (code !== 0x22 /* " */ && code !== 0x5c /* \ */) {
        this.position++;
        continue;
      }
      out += this.text.slice(runStart, this.position);
      this.position++;
      if (code === 0x22) return out;
      const escape = this.peek();
      this.position++;
      const simple = simpleEscapes[escape];
      if (simple !== undefined) {
        out += simple;
      } else if (escape === 'u') {
        out += this.unicodeEscape();
      } else {
        this.fail(`invalid escape \\${escape}`);
      }
      runStart = this.position;
    }
  }

  /** After `\u`: one code unit, or a surrogate pair written as two escapes (serde_json's rule). */
  private unicodeEscape(): string {
    const first = this.hex4();
    if (first >= 0xdc00 && first <= 0xdfff) this.fail('lone low surrogate escape');
    if (first < 0xd800 || first > 0xdbff) return String.fromCharCode(first);
    if (!this.tryLiteral('\\u')) this.fail('high surrogate escape without its low half');
    const second = this.hex4();
    if (second < 0xdc00 || second > 0xdfff) this.fail('high surrogate escape without its low half');
    return String.fromCharCode(first, second);
  }

  private hex4(): number {
    const digits = this.text.slice(this.position, this.position + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.fail('invalid \\u escape');
    this.position += 4;
    return parseInt(digits, 16);
  }
}

const simpleEscapes: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
