/**
 * Checks on the arguments a pickle passes to an allowlisted callable. A pickle can put anything on the
 * stack, so every builder states what it expects and refuses the rest with a message naming the callable.
 * Errors carry no position: the VM adds `<label>@<offset>` of the REDUCE that made the call.
 */
import { CheckpointError } from '../errors.ts';
import { PyTuple, type PyValue } from '../values.ts';

export function badArgument(callee: string, why: string): never {
  throw new CheckpointError('disallowed-call', `${callee}: ${why}`);
}

export function expectArity(callee: string, args: readonly PyValue[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const wanted = min === max ? `${min}` : `${min} to ${max}`;
    badArgument(callee, `takes ${wanted} arguments, got ${args.length}`);
  }
}

/** A short description of a value's Python type for error messages. */
export function typeName(value: PyValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'str';
  }
  if (Array.isArray(value)) return 'list';
  if (value instanceof Uint8Array) return 'bytes';
  return value.constructor.name;
}

export function expectInt(callee: string, what: string, value: PyValue | undefined): bigint {
  if (typeof value !== 'bigint') badArgument(callee, `${what} must be an int, got ${typeName(value)}`);
  return value;
}

/** An int that must fit a JS number exactly (sizes, strides, offsets). */
export function expectSafeInt(callee: string, what: string, value: PyValue | undefined): number {
  const big = expectInt(callee, what, value);
  const small = Number(big);
  if (!Number.isSafeInteger(small)) badArgument(callee, `${what} ${big} is out of range`);
  return small;
}

export function expectBool(callee: string, what: string, value: PyValue | undefined): boolean {
  if (typeof value !== 'boolean') badArgument(callee, `${what} must be a bool, got ${typeName(value)}`);
  return value;
}

export function expectString(callee: string, what: string, value: PyValue | undefined): string {
  if (typeof value !== 'string') badArgument(callee, `${what} must be a str, got ${typeName(value)}`);
  return value;
}

export function expectTuple(callee: string, what: string, value: PyValue | undefined): PyTuple {
  if (!(value instanceof PyTuple)) badArgument(callee, `${what} must be a tuple, got ${typeName(value)}`);
  return value;
}

/** A tuple of non-negative ints that fit a JS number: a tensor's size or stride. */
export function expectIndexTuple(callee: string, what: string, value: PyValue | undefined): number[] {
  const tuple = expectTuple(callee, what, value);
  return tuple.items.map((item, i) => expectSafeInt(callee, `${what}[${i}]`, item));
}

/** The items of a list, tuple or set argument (the iterables the allowlisted constructors accept). */
export function expectSequence(callee: string, what: string, value: PyValue | undefined): readonly PyValue[] {
  if (Array.isArray(value)) return value;
  if (value instanceof PyTuple) return value.items;
  return badArgument(callee, `${what} must be a list or tuple, got ${typeName(value)}`);
}
