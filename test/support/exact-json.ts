/**
 * JSON.parse loses ints beyond 2^53 and the difference between `1` and `1.0`, both of which the digest
 * keeps. This parser returns integer literals as bigint and other numbers as number, so two digests can be
 * compared exactly.
 */
export type ExactJson =
  null | boolean | bigint | number | string | ExactJson[] | { [key: string]: ExactJson };

export function parseExactJson(text: string): ExactJson {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at ${i}: ${text.slice(i, i + 30)}`);
  };
  const space = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const value = (): ExactJson => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: { [key: string]: ExactJson } = {};
      space();
      if (text[i] === '}') return (i++, out);
      for (;;) {
        space();
        const key = value();
        if (typeof key !== 'string') fail('object key');
        space();
        if (text[i++] !== ':') fail('expected :');
        Object.defineProperty(out, key as string, {
          value: value(),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        space();
        if (text[i] === ',') i++;
        else if (text[i++] === '}') return out;
        else fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const out: ExactJson[] = [];
      space();
      if (text[i] === ']') return (i++, out);
      for (;;) {
        out.push(value());
        space();
        if (text[i] === ',') i++;
        else if (text[i++] === ']') return out;
        else fail('expected , or ]');
      }
    }
    if (c === '"') {
      const start = i;
      i++;
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return JSON.parse(text.slice(start, i)) as string;
    }
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400))?.[0];
    if (literal === undefined) return fail('unexpected token');
    i += literal.length;
    if (literal === 'true' || literal === 'false') return literal === 'true';
    if (literal === 'null') return null;
    return /^-?\d+$/.test(literal) ? BigInt(literal) : Number(literal);
  };
  const result = value();
  space();
  if (i !== text.length) fail('trailing text');
  return result;
}
