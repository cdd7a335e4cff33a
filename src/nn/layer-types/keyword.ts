/**
 * A layer type's keywords, declared once: how each is read and checked from the architecture JSON (through
 * spec-keywords.ts's `Keywords`), torch's default, whether torch's constructor takes it positionally (the
 * description prints those without their names), and how the model editor edits it. Build, shape inference,
 * the editor, the description and the Python mirror all read these declarations.
 */
import { type Keywords, type Pair, pthlabRefusal as pthlab } from '../spec-keywords.ts';

/** How the editor shows and parses a keyword (see src/ui/model-editor/edit.ts). */
export type FieldKind = 'int' | 'number' | 'pair' | 'pairOrNull' | 'padding';

/** The default of a keyword torch's constructor requires. */
export const REQUIRED = Symbol('required');

/** A JSON value, as a default is written into the Python mirror. */
export type JsonDefault = number | boolean | string | null | readonly number[];

export interface Keyword<T> {
  /** torch's default, or REQUIRED. */
  readonly default: JsonDefault | typeof REQUIRED;
  /** torch's constructor takes it positionally: a size of the layer. */
  readonly positional: boolean;
  /** How the editor edits it; undefined: the editor leaves it to the JSON. Opt-in, per layer type. */
  readonly field: FieldKind | undefined;
  /** Reads and checks it from a spec; the message of a refusal is the one build and inference both give. */
  readonly read: (a: Keywords, name: string) => T;
}

interface Options {
  positional?: boolean;
  field?: FieldKind;
}

function keyword<T>(
  fallback: JsonDefault | typeof REQUIRED,
  read: (a: Keywords, name: string) => T,
  opts: Options = {},
): Keyword<T> {
  return { default: fallback, positional: opts.positional ?? false, field: opts.field, read };
}

const given = <T>(v: T | typeof REQUIRED): T | undefined => (v === REQUIRED ? undefined : v);

/** A positive integer size (features, channels), required: torch's constructors take these positionally. */
export const size = (opts: Options = {}) =>
  keyword(REQUIRED, (a, n) => a.size(n), { positional: true, ...opts });

/** An int or a pair of positive ints (a kernel size), as a pair. */
export const sizes = (fallback: number | typeof REQUIRED = REQUIRED, opts: Options = {}) =>
  keyword(fallback, (a, n) => a.sizes(n, given(fallback)), opts);

export const num = (fallback: number | typeof REQUIRED, opts: Options = {}) =>
  keyword(fallback, (a, n) => a.num(n, given(fallback)), opts);

/** A number that must be whole (a dim, a count); fractions are refused in pthlab's words. */
export const int = (fallback: number | typeof REQUIRED, opts: Options = {}) =>
  keyword(
    fallback,
    (a, n) => {
      const v = a.num(n, given(fallback));
      if (!Number.isInteger(v)) throw pthlab(`${a.type}: ${n} must be an integer, got ${v}`);
      return v;
    },
    opts,
  );

export const numOrNull = (fallback: number | null) => keyword(fallback, (a, n) => a.numOrNull(n, fallback));

export const bool = (fallback: boolean) => keyword(fallback, (a, n) => a.bool(n, fallback));

export const pair = (fallback: number, opts: Options = {}) =>
  keyword(fallback, (a, n) => a.pair(n, fallback), opts);

/** A pair that may be null or absent (a pool's stride, which then follows its kernel). */
export const pairOrNull = (opts: Options = {}) => keyword(null, (a, n) => a.pairOrNull(n), opts);

/** Any other reading, declared with its default (a string choice, an int-or-list). */
export const custom = <T>(
  fallback: JsonDefault | typeof REQUIRED,
  read: (a: Keywords, name: string) => T,
  opts: Options = {},
) => keyword(fallback, read, opts);

export type { Pair };
