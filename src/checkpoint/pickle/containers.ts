/**
 * What the structural opcodes (APPEND(S), SETITEM(S), ADDITEMS, set/frozenset construction) do to values.
 * Python would call `append`/`__setitem__`/`add` on whatever object the pickle names; here only the
 * container types of the value model accept them, and dict keys and set items must be hashable the way
 * Python's are (no lists, dicts or sets, including inside tuples).
 *
 * Known simplification: keys compare as JS Map keys do, so `1` and `1.0`, or two equal tuples, stay
 * distinct keys where Python would merge them. torch files never contain either.
 */
import { CheckpointError } from '../errors.ts';
import { PyDict, PySet, PyTuple, type PyKey, type PyValue } from '../values.ts';
import { typeName } from './arguments.ts';

/** Backing storage of the sets this reader built, so ADDITEMS can grow them without exposing mutators. */
const setContents = new WeakMap<PySet, { items: PyValue[]; seen: Set<PyKey> }>();

export function newSet(items: readonly PyValue[], frozen: boolean): PySet {
  const backing: PyValue[] = [];
  const set = new PySet(backing, frozen);
  const contents = { items: backing, seen: new Set<PyKey>() };
  setContents.set(set, contents);
  addDistinct(contents, items);
  return set;
}

/** ADDITEMS: only onto a (mutable) set. */
export function addToSet(set: PySet, items: readonly PyValue[]): void {
  const contents = setContents.get(set);
  if (contents === undefined || set.frozen) {
    throw new CheckpointError('pickle-malformed', 'ADDITEMS target is not a set this pickle created');
  }
  addDistinct(contents, items);
}

function addDistinct(contents: { items: PyValue[]; seen: Set<PyKey> }, items: readonly PyValue[]): void {
  for (const item of items) {
    const key = asHashable(item, 'set item');
    if (contents.seen.has(key)) continue;
    contents.seen.add(key);
    contents.items.push(item);
  }
}

export function appendItems(target: PyValue | undefined, items: readonly PyValue[], maxItems: number): void {
  if (!Array.isArray(target)) {
    throw new CheckpointError('pickle-malformed', `APPEND target is ${typeName(target)}, not a list`);
  }
  if (target.length + items.length > maxItems) {
    throw new CheckpointError('limit-exceeded', `list longer than ${maxItems} items`);
  }
  for (const item of items) target.push(item);
}

/** `pairs` is k0, v0, k1, v1, ... as SETITEMS and DICT take them off the stack. */
export function setItems(target: PyValue | undefined, pairs: readonly PyValue[], maxItems: number): void {
  if (!(target instanceof PyDict)) {
    throw new CheckpointError('pickle-malformed', `SETITEM target is ${typeName(target)}, not a dict`);
  }
  if (pairs.length % 2 !== 0) {
    throw new CheckpointError('pickle-malformed', 'SETITEMS has a key without a value');
  }
  for (let i = 0; i < pairs.length; i += 2) {
    target.set(asHashable(pairs[i], 'dict key'), pairs[i + 1] as PyValue);
    if (target.size > maxItems)
      throw new CheckpointError('limit-exceeded', `dict larger than ${maxItems} items`);
  }
}

/**
 * The value as a Map key, if Python could hash it. Tuples are checked item by item with an explicit stack
 * (a pickle can nest tuples deeply), each shared tuple once.
 */
export function asHashable(value: PyValue | undefined, what: string): PyKey {
  const pending: (PyValue | undefined)[] = [value];
  // Each tuple once: a tuple DAG (each level holding the previous one twice) has 2^n paths.
  const tuples = new Set<PyTuple>();
  while (pending.length > 0) {
    const item = pending.pop();
    if (item instanceof PyTuple) {
      if (hashableTuples.has(item) || tuples.has(item)) continue;
      tuples.add(item);
      for (const inner of item.items) pending.push(inner);
    } else if (!isScalarKey(item)) {
      throw new CheckpointError(
        'pickle-malformed',
        `${what} must be a str, int, float, bool, None or a tuple of them, got ${typeName(item)}`,
      );
    }
  }
  for (const tuple of tuples) hashableTuples.add(tuple);
  return value as PyKey;
}

/**
 * Tuples already found hashable. They hold only scalars and such tuples, so they cannot change; without
 * this, one large tuple used as a key many times through the memo would cost quadratic time.
 */
const hashableTuples = new WeakSet<PyTuple>();

function isScalarKey(value: PyValue | undefined): boolean {
  if (value === null) return true;
  const kind = typeof value;
  return kind === 'string' || kind === 'bigint' || kind === 'number' || kind === 'boolean';
}
