/**
 * The pickle reader: a stack machine that interprets opcodes and never runs code. GLOBAL resolves only
 * through the table in globals.ts; REDUCE/NEWOBJ call only the builders that table names; BUILD only
 * sets attributes on OrderedDicts and state on inert objects. It loops without recursion, checks every
 * length against the bytes left, and bounds memo, stack, strings and nesting (limits.ts).
 *
 * Spec: CPython `Lib/pickle.py` and `Modules/_pickle.c` (stack fence semantics, POP of a MARK), protocols
 * 0 to 5; FORMAT.md §2 and §5 for what torch files contain.
 */
import type { DTypeInfo } from '../dtype.ts';
import { CheckpointError } from '../errors.ts';
import { PyDict, PyObject, PySet, PyTuple, Storage, type PyValue } from '../values.ts';
import { typeName } from './arguments.ts';
import { inertInstance } from './builders.ts';
import type { CallContext } from './builder.ts';
import { addToSet, appendItems, newSet, setItems } from './containers.ts';
import { Cursor } from './cursor.ts';
import { decodeLong } from './long.ts';
import { canonicalModule, entryFor, resolveGlobal, type PickleMode } from './globals.ts';
import { resolveLimits, type PickleLimits } from './limits.ts';
import { checkNesting } from './nesting.ts';
import { describeOpcode, OP } from './opcodes.ts';
import { PyGlobal } from './refs.ts';
import { decodeLatin1, decodeUtf8 } from './text.ts';
import { VmStack } from './vm-stack.ts';
import { WorkBudget } from './work-budget.ts';
import {
  decodeRawUnicodeEscape,
  parseFloatLine,
  parseIntLine,
  parseLongLine,
  parseMemoIndex,
  unquoteStringLine,
} from './text-opcodes.ts';

export interface PickleReadOptions {
  /**
   * Called for BINPERSID/PERSID with the persistent id; returns what it stands for. For torch files that is
   * a Storage (the `data/<key>` record), which the tensor rebuild functions require.
   */
  persistentLoad: (pid: PyValue) => PyValue | Storage;
  /**
   * 'weights-only': a global outside the allowlist throws CheckpointError('unsupported-global').
   * 'inert-objects': for whole-model pickles (`torch.save(model)`): such a global becomes an inert class
   * reference; REDUCE/NEWOBJ on it yield a PyObject and BUILD sets its `state`. Nothing is ever called, and
   * modules such as os, sys, subprocess and builtins stay refused.
   */
  mode: PickleMode;
  /** Names the input in error positions: `<label>@<byte offset>`. Default 'pickle'. */
  label?: string;
  limits?: Partial<PickleLimits>;
  /** How SHORT_BINSTRING/BINSTRING/STRING bytes (Python 2 `str`) become text. Default utf-8. */
  encoding?: 'utf-8' | 'latin1';
  /**
   * For bytes still being inflated: makes the first `end` available. The VM asks before each read, so a
   * bad opcode stops the inflating too.
   */
  ensure?: (end: number) => void;
}

/** Reads one pickle that must fill `bytes` exactly (as a torch zip's `data.pkl` does). */
export function readPickle(bytes: Uint8Array, options: PickleReadOptions): PyValue {
  const { value, end } = readPickleAt(bytes, 0, options);
  if (end !== bytes.length) {
    throw new CheckpointError(
      'pickle-malformed',
      `${bytes.length - end} bytes after STOP`,
      `${options.label ?? 'pickle'}@${end}`,
    );
  }
  return value;
}

/** Reads one pickle starting at `offset`; `end` is the offset after its STOP (legacy files chain several). */
export function readPickleAt(
  bytes: Uint8Array,
  offset: number,
  options: PickleReadOptions,
): { value: PyValue; end: number } {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > bytes.length) {
    throw new CheckpointError(
      'truncated',
      `no pickle at offset ${offset}`,
      `${options.label ?? 'pickle'}@${offset}`,
    );
  }
  const machine = new Machine(bytes, offset, options);
  const value = machine.run();
  checkNesting(value, machine.limits.maxDepth, machine.cursor.at);
  return { value, end: machine.cursor.pos };
}

const maxProtocol = 5;
/** BININT1 values, allocated once: most ints in a checkpoint are sizes, strides and small counts. */
const smallInts = Array.from({ length: 256 }, (_, i) => BigInt(i));

class Machine {
  readonly cursor: Cursor;
  readonly limits: PickleLimits;
  private readonly stack: VmStack;
  /** Class references this run made for globals outside the table ('inert-objects' mode only). */
  private readonly inertClasses = new WeakSet<PyGlobal>();
  private readonly retyped = new Map<Storage, Map<string, Storage>>();
  private readonly work: WorkBudget;
  private readonly context: CallContext;

  constructor(
    bytes: Uint8Array,
    offset: number,
    private readonly options: PickleReadOptions,
  ) {
    this.cursor = new Cursor(bytes, offset, options.label ?? 'pickle', options.ensure);
    this.limits = resolveLimits(options.limits);
    this.stack = new VmStack(this.limits, () => this.cursor.at);
    this.work = new WorkBudget(bytes.length);
    this.context = {
      call: (callee, args) => this.call(callee, args, 'REDUCE'),
      retype: (storage, dtype) => this.retype(storage, dtype),
    };
  }

  run(): PyValue {
    try {
      for (;;) {
        const cursor = this.cursor;
        cursor.opcodeStart = cursor.pos;
        const opcode = cursor.u8('opcode');
        if (opcode === OP.STOP) return this.stack.pop();
        this.execute(opcode);
      }
    } catch (error) {
      // Builders and containers throw without a position; give them the opcode's.
      if (error instanceof CheckpointError && error.at === undefined) {
        throw new CheckpointError(error.code, error.message, this.cursor.at);
      }
      throw error;
    }
  }

  private execute(opcode: number): void {
    const cursor = this.cursor;
    const limits = this.limits;
    switch (opcode) {
      case OP.PROTO: {
        const protocol = cursor.u8('PROTO');
        if (protocol > maxProtocol) this.malformed(`unsupported pickle protocol ${protocol}`);
        return;
      }
      case OP.FRAME:
        cursor.u64Length('FRAME'); // framing only groups opcodes; the length must still fit the data
        return;
      case OP.MARK:
        return this.stack.mark();
      case OP.POP:
        return this.stack.discardTop();
      case OP.POP_MARK:
        this.stack.popMark();
        return;
      case OP.DUP:
        return this.stack.push(this.stack.top());

      case OP.NONE:
        return this.stack.push(null);
      case OP.NEWTRUE:
        return this.stack.push(true);
      case OP.NEWFALSE:
        return this.stack.push(false);
      case OP.BININT1:
        return this.stack.push(smallInts[cursor.u8('BININT1')] as bigint);
      case OP.BININT2:
        return this.stack.push(BigInt(cursor.u16('BININT2')));
      case OP.BININT:
        return this.stack.push(BigInt(cursor.i32('BININT')));
      case OP.LONG1:
        return this.stack.push(this.readLong(cursor.u8('LONG1')));
      case OP.LONG4:
        return this.stack.push(this.readLong(this.nonNegative(cursor.i32('LONG4'), 'LONG4')));
      case OP.INT:
        return this.stack.push(parseIntLine(cursor.line('INT'), limits.maxIntBytes));
      case OP.LONG:
        return this.stack.push(parseLongLine(cursor.line('LONG'), limits.maxIntBytes));
      case OP.BINFLOAT:
        return this.stack.push(cursor.f64BigEndian('BINFLOAT'));
      case OP.FLOAT:
        return this.stack.push(parseFloatLine(cursor.line('FLOAT')));

      case OP.SHORT_BINUNICODE:
        return this.stack.push(this.readUtf8(cursor.u8('SHORT_BINUNICODE')));
      case OP.BINUNICODE:
        return this.stack.push(this.readUtf8(cursor.u32('BINUNICODE')));
      case OP.BINUNICODE8:
        return this.stack.push(this.readUtf8(cursor.u64Length('BINUNICODE8')));
      case OP.UNICODE:
        return this.stack.push(decodeRawUnicodeEscape(cursor.line('UNICODE')));
      case OP.SHORT_BINSTRING:
        return this.stack.push(this.decodeLegacyString(this.readRaw(cursor.u8('SHORT_BINSTRING'))));
      case OP.BINSTRING:
        return this.stack.push(
          this.decodeLegacyString(this.readRaw(this.nonNegative(cursor.i32('BINSTRING'), 'BINSTRING'))),
        );
      case OP.STRING:
        return this.stack.push(this.decodeLegacyString(unquoteStringLine(cursor.line('STRING'))));
      case OP.SHORT_BINBYTES:
        return this.stack.push(this.readRaw(cursor.u8('SHORT_BINBYTES')).slice());
      case OP.BINBYTES:
        return this.stack.push(this.readRaw(cursor.u32('BINBYTES')).slice());
      case OP.BINBYTES8:
        return this.stack.push(this.readRaw(cursor.u64Length('BINBYTES8')).slice());
      case OP.BYTEARRAY8:
        return this.stack.push(this.readRaw(cursor.u64Length('BYTEARRAY8')).slice());

      case OP.EMPTY_TUPLE:
        return this.stack.push(new PyTuple([]));
      case OP.TUPLE1:
        return this.stack.push(new PyTuple(this.stack.popMany(1)));
      case OP.TUPLE2:
        return this.stack.push(new PyTuple(this.stack.popMany(2)));
      case OP.TUPLE3:
        return this.stack.push(new PyTuple(this.stack.popMany(3)));
      case OP.TUPLE:
        return this.stack.push(new PyTuple(this.stack.popMark()));
      case OP.EMPTY_LIST:
        return this.stack.push([]);
      case OP.LIST:
        return this.stack.push(this.stack.popMark());
      case OP.EMPTY_DICT:
        return this.stack.push(new PyDict());
      case OP.DICT: {
        const dict = new PyDict();
        setItems(dict, this.stack.popMark(), limits.maxContainerItems);
        return this.stack.push(dict);
      }
      case OP.EMPTY_SET:
        return this.stack.push(newSet([], false));
      case OP.FROZENSET:
        return this.stack.push(newSet(this.stack.popMark(), true));
      case OP.APPEND: {
        const item = this.stack.pop();
        return appendItems(this.stack.top(), [item], limits.maxContainerItems);
      }
      case OP.APPENDS: {
        const items = this.stack.popMark();
        return appendItems(this.stack.top(), items, limits.maxContainerItems);
      }
      case OP.SETITEM: {
        const pair = this.stack.popMany(2);
        return setItems(this.stack.top(), pair, limits.maxContainerItems);
      }
      case OP.SETITEMS: {
        const pairs = this.stack.popMark();
        return setItems(this.stack.top(), pairs, limits.maxContainerItems);
      }
      case OP.ADDITEMS: {
        const items = this.stack.popMark();
        const target = this.stack.top();
        if (!(target instanceof PySet)) this.malformed(`ADDITEMS target is ${typeName(target)}, not a set`);
        return addToSet(target, items);
      }

      case OP.BINPUT:
        return this.stack.memoPut(cursor.u8('BINPUT'));
      case OP.LONG_BINPUT:
        return this.stack.memoPut(cursor.u32('LONG_BINPUT'));
      case OP.PUT:
        return this.stack.memoPut(parseMemoIndex(cursor.line('PUT')));
      case OP.MEMOIZE:
        return this.stack.memoPut(this.stack.memoSize);
      case OP.BINGET:
        return this.stack.push(this.stack.memoGet(cursor.u8('BINGET')));
      case OP.LONG_BINGET:
        return this.stack.push(this.stack.memoGet(cursor.u32('LONG_BINGET')));
      case OP.GET:
        return this.stack.push(this.stack.memoGet(parseMemoIndex(cursor.line('GET'))));

      case OP.GLOBAL: {
        const module = decodeUtf8(cursor.line('GLOBAL module'), cursor.at);
        const name = decodeUtf8(cursor.line('GLOBAL name'), cursor.at);
        return this.stack.push(this.global(module, name));
      }
      case OP.STACK_GLOBAL: {
        const [module, name] = this.stack.popMany(2);
        if (typeof module !== 'string' || typeof name !== 'string') {
          this.malformed('STACK_GLOBAL needs two strings');
        }
        return this.stack.push(this.global(module, name));
      }
      case OP.REDUCE: {
        const [callee, args] = this.stack.popMany(2);
        return this.stack.push(this.call(callee as PyValue, this.argsTuple(args, 'REDUCE'), 'REDUCE'));
      }
      case OP.NEWOBJ: {
        const [cls, args] = this.stack.popMany(2);
        return this.stack.push(this.call(cls as PyValue, this.argsTuple(args, 'NEWOBJ'), 'NEWOBJ'));
      }
      case OP.NEWOBJ_EX: {
        const [cls, args, kwargs] = this.stack.popMany(3);
        if (!(kwargs instanceof PyDict) || kwargs.size > 0) {
          throw new CheckpointError('unsupported-value', 'NEWOBJ_EX with keyword arguments is not supported');
        }
        return this.stack.push(this.call(cls as PyValue, this.argsTuple(args, 'NEWOBJ_EX'), 'NEWOBJ'));
      }
      case OP.BUILD: {
        const state = this.stack.pop();
        return this.build(this.stack.top(), state);
      }
      case OP.BINPERSID:
        return this.stack.push(this.persistentLoad(this.stack.pop()));
      case OP.PERSID:
        return this.stack.push(this.persistentLoad(decodeLatin1(cursor.line('PERSID'))));
    }
    throw new CheckpointError('pickle-opcode', `${describeOpcode(opcode)} is not supported`, cursor.at);
  }

  private malformed(message: string): never {
    throw new CheckpointError('pickle-malformed', message, this.cursor.at);
  }

  private nonNegative(length: number, what: string): number {
    if (length < 0) this.malformed(`${what} has a negative length`);
    return length;
  }

  // --- Scalars ---------------------------------------------------------------------------------------

  private readRaw(length: number): Uint8Array {
    this.cursor.need(length, 'string');
    if (length > this.limits.maxStringBytes) {
      throw new CheckpointError('limit-exceeded', `string of ${length} bytes`, this.cursor.at);
    }
    return this.cursor.take(length, 'string');
  }

  private readUtf8(length: number): string {
    return decodeUtf8(this.readRaw(length), this.cursor.at);
  }

  private decodeLegacyString(raw: Uint8Array): string {
    return this.options.encoding === 'latin1' ? decodeLatin1(raw) : decodeUtf8(raw, this.cursor.at);
  }

  /** LONG1/LONG4 operand: `length` bytes of two's complement. */
  private readLong(length: number): bigint {
    this.cursor.need(length, 'long');
    if (length > this.limits.maxIntBytes) {
      throw new CheckpointError('limit-exceeded', `integer of ${length} bytes`, this.cursor.at);
    }
    return decodeLong(this.cursor.take(length, 'long'));
  }

  // --- Globals, calls, BUILD -------------------------------------------------------------------------

  private global(module: string, name: string): PyValue {
    const entry = resolveGlobal(module, name, this.options.mode);
    if (entry !== undefined) return entry.value;
    const reference = new PyGlobal(canonicalModule(module), name);
    this.inertClasses.add(reference);
    return reference;
  }

  private argsTuple(args: PyValue | undefined, opcode: string): readonly PyValue[] {
    if (!(args instanceof PyTuple))
      this.malformed(`${opcode} arguments must be a tuple, got ${typeName(args)}`);
    return args.items;
  }

  private call(callee: PyValue, args: readonly PyValue[], how: 'REDUCE' | 'NEWOBJ'): PyValue {
    for (const arg of args) this.work.chargeFor(arg, this.cursor.at);
    if (callee instanceof PyGlobal) {
      if (this.inertClasses.has(callee)) return inertInstance(callee, args);
      const entry = entryFor(callee);
      if (entry?.call !== undefined && (how === 'REDUCE' || entry.isClass === true)) {
        return entry.call(args, this.context);
      }
      throw new CheckpointError(
        'disallowed-call',
        `${how} on ${callee.qualifiedName}, which is not callable`,
      );
    }
    throw new CheckpointError('disallowed-call', `${how} on a ${typeName(callee)}, which is not callable`);
  }

  private build(target: PyValue, state: PyValue): void {
    if (target instanceof PyDict && target.kind !== 'dict') {
      // OrderedDict/Counter: `inst.__dict__.update(state)`, e.g. a state_dict's `_metadata`.
      if (state === null) return;
      if (!(state instanceof PyDict)) this.malformed(`BUILD state for an ${target.kind} must be a dict`);
      this.work.charge(state.size, this.cursor.at);
      target.attributes ??= new Map();
      for (const [key, value] of state) {
        if (typeof key !== 'string') this.malformed('BUILD attribute names must be strings');
        target.attributes.set(key, value);
      }
      return;
    }
    if (
      target instanceof PyObject &&
      !(target instanceof PyGlobal) &&
      this.options.mode === 'inert-objects'
    ) {
      target.state = state;
      return;
    }
    throw new CheckpointError('disallowed-call', `BUILD on a ${typeName(target)}`);
  }

  /** The callback's answer; a Storage travels on the stack as a value (see PickleReadOptions). */
  private persistentLoad(pid: PyValue): PyValue {
    const loaded = this.options.persistentLoad(pid);
    if (loaded === undefined) this.malformed('persistentLoad returned nothing for a persistent id');
    return loaded as PyValue;
  }

  private retype(storage: Storage, dtype: DTypeInfo): Storage {
    let byDtype = this.retyped.get(storage);
    if (byDtype === undefined) this.retyped.set(storage, (byDtype = new Map()));
    let typed = byDtype.get(dtype.name);
    if (typed === undefined)
      byDtype.set(dtype.name, (typed = new Storage(dtype, storage.bytes, storage.location)));
    return typed;
  }
}
