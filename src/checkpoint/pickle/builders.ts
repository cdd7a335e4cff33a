/**
 * What the allowlisted non-tensor classes and functions build. Each mirrors the Python callable for the
 * argument forms pickles actually contain and refuses any other form.
 */
import { CheckpointError } from '../errors.ts';
import { PyComplex, PyDevice, PyDict, PyObject, PySize, PyTuple, type PyValue } from '../values.ts';
import {
  badArgument,
  expectArity,
  expectIndexTuple,
  expectSafeInt,
  expectSequence,
  expectString,
  typeName,
} from './arguments.ts';
import { asHashable, newSet } from './containers.ts';
import { PyGlobal } from './refs.ts';
import { encodeLatin1, encodeUtf8 } from './text.ts';

/** `OrderedDict()` or `OrderedDict([(k, v), ...])`. */
export function buildOrderedDict(args: readonly PyValue[]): PyDict {
  const callee = 'collections.OrderedDict';
  expectArity(callee, args, 0, 1);
  const dict = new PyDict('OrderedDict');
  if (args.length === 0) return dict;
  for (const pair of expectSequence(callee, 'items', args[0])) {
    const kv = expectSequence(callee, 'item', pair);
    if (kv.length !== 2) badArgument(callee, `item has ${kv.length} elements, not 2`);
    dict.set(asHashable(kv[0], 'dict key'), kv[1] as PyValue);
  }
  return dict;
}

/** `Counter()` or `Counter({...})`: what `Counter.__reduce__` emits. */
export function buildCounter(args: readonly PyValue[]): PyDict {
  const callee = 'collections.Counter';
  expectArity(callee, args, 0, 1);
  const source = args[0];
  if (source === undefined) return new PyDict('Counter');
  if (!(source instanceof PyDict)) badArgument(callee, `argument must be a dict, got ${typeName(source)}`);
  return new PyDict('Counter', source);
}

export function buildSet(frozen: boolean): (args: readonly PyValue[]) => PyValue {
  const callee = frozen ? 'builtins.frozenset' : 'builtins.set';
  return (args) => {
    expectArity(callee, args, 0, 1);
    return newSet(args.length === 0 ? [] : expectSequence(callee, 'items', args[0]), frozen);
  };
}

/** `bytearray()`, `bytearray(b'...')` or `bytearray('...', 'latin-1')` (protocol 2). */
export function buildByteArray(args: readonly PyValue[]): Uint8Array {
  const callee = 'builtins.bytearray';
  expectArity(callee, args, 0, 2);
  const [source, encoding] = args;
  if (source === undefined) return new Uint8Array(0);
  if (source instanceof Uint8Array && encoding === undefined) return source.slice();
  return encodeText(callee, expectString(callee, 'source', source), encoding);
}

/** `bytes()` and `bytes(b'...')`: CPython's protocol 2 writes `b''` as `bytes()`. */
export function buildBytes(args: readonly PyValue[]): Uint8Array {
  const callee = 'builtins.bytes';
  expectArity(callee, args, 0, 1);
  const [source] = args;
  if (source === undefined) return new Uint8Array(0);
  if (source instanceof Uint8Array) return source.slice();
  return badArgument(callee, `argument must be bytes, got ${typeName(source)}`);
}

/** `_codecs.encode(text, 'latin1')`: how protocol 2 stores `bytes`. */
export function buildCodecsEncode(args: readonly PyValue[]): Uint8Array {
  const callee = '_codecs.encode';
  expectArity(callee, args, 1, 2);
  return encodeText(callee, expectString(callee, 'text', args[0]), args[1] ?? 'utf-8');
}

function encodeText(callee: string, text: string, encoding: PyValue | undefined): Uint8Array {
  const name = expectString(callee, 'encoding', encoding).toLowerCase().replace('_', '-');
  if (name === 'latin1' || name === 'latin-1' || name === 'iso-8859-1') {
    const bytes = encodeLatin1(text);
    if (bytes === undefined) badArgument(callee, 'text has characters outside Latin-1');
    return bytes;
  }
  if (name === 'utf-8' || name === 'utf8') return encodeUtf8(text);
  return badArgument(callee, `encoding ${name} is not supported`);
}

export function buildComplex(args: readonly PyValue[]): PyComplex {
  const callee = 'builtins.complex';
  expectArity(callee, args, 0, 2);
  const part = (value: PyValue | undefined, what: string): number => {
    if (value === undefined) return 0;
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    return badArgument(callee, `${what} must be a number, got ${typeName(value)}`);
  };
  return new PyComplex(part(args[0], 'real'), part(args[1], 'imag'));
}

/** `torch.Size((2, 3))` is a tuple subclass: a PySize of ints. */
export function buildSize(args: readonly PyValue[]): PySize {
  const callee = 'torch.Size';
  expectArity(callee, args, 0, 1);
  if (args.length === 0) return new PySize([]);
  return new PySize(expectIndexTuple(callee, 'sizes', toTuple(args[0])).map((n) => BigInt(n)));
}

function toTuple(value: PyValue | undefined): PyValue | undefined {
  return Array.isArray(value) ? new PyTuple(value) : value;
}

const deviceType = /^[a-z_][a-z0-9_]*$/;

/** `torch.device('cpu')`, `torch.device('cuda', 0)`, `torch.device('cuda:0')`. */
export function buildDevice(args: readonly PyValue[]): PyDevice {
  const callee = 'torch.device';
  expectArity(callee, args, 1, 2);
  const spec = expectString(callee, 'type', args[0]);
  const [type, indexText, ...rest] = spec.split(':');
  const index = args[1] ?? null;
  if (type === undefined || !deviceType.test(type) || rest.length > 0)
    badArgument(callee, `bad device '${spec}'`);
  if (indexText !== undefined) {
    if (!/^\d+$/.test(indexText) || index !== null) badArgument(callee, `bad device '${spec}'`);
    return new PyDevice(`${type}:${Number(indexText)}`);
  }
  if (index === null) return new PyDevice(type);
  return new PyDevice(`${type}:${expectSafeInt(callee, 'index', index)}`);
}

const layouts = new Set([
  'strided',
  'sparse_coo',
  'sparse_csr',
  'sparse_csc',
  'sparse_bsr',
  'sparse_bsc',
  '_mkldnn',
  'jagged',
]);

/** `torch.serialization._get_layout('torch.sparse_coo')`: the layout object, kept as a class reference. */
export function buildLayout(args: readonly PyValue[]): PyGlobal {
  const callee = 'torch.serialization._get_layout';
  expectArity(callee, args, 1);
  const name = expectString(callee, 'name', args[0]);
  const short = name.startsWith('torch.') ? name.slice('torch.'.length) : '';
  if (!layouts.has(short)) badArgument(callee, `unknown layout '${name}'`);
  return new PyGlobal('torch', short);
}

/** An instance of a class outside the allowlist ('inert-objects' mode): a record, never constructed. */
export function inertInstance(cls: PyGlobal, args: readonly PyValue[]): PyObject {
  return new PyObject(cls.module, cls.name, args);
}

/**
 * `copyreg._reconstructor(cls, base, state)`: what protocol 0/1 pickles of plain objects call. The result
 * is an inert object of `cls`; a non-None `state` (the value passed to `base.__new__`) becomes its arg.
 */
export function buildReconstructor(args: readonly PyValue[]): PyObject {
  const callee = 'copyreg._reconstructor';
  expectArity(callee, args, 3);
  const [cls, base, state] = args;
  if (!(cls instanceof PyGlobal) || !(base instanceof PyGlobal)) {
    return badArgument(callee, 'cls and base must be classes');
  }
  return inertInstance(cls, state === null || state === undefined ? [] : [state]);
}

export function unsupported(qualifiedName: string, why: string): () => never {
  return () => {
    throw new CheckpointError('unsupported-value', `${qualifiedName} is not supported: ${why}`);
  };
}
