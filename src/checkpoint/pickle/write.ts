/**
 * The pickle writer: emits what CPython's C `pickle.Pickler(protocol=2)` emits for the same object graph
 * under `torch.save`, byte for byte (FORMAT.md §2), using only opcodes and globals that torch's
 * weights_only unpickler accepts (FORMAT.md §5).
 *
 * CPython memoizes by object identity. Here containers, tensors and bytes are memoized by JS identity;
 * strings, which have no identity in JS, by value (as if every str were interned, which is what torch's
 * literal keys are). Storage keys are the exception: torch makes one str per storage (`str(len(id_map))`),
 * so they are memoized per Storage and never shared with an equal user string (a `_metadata` prefix '0').
 */
import { CheckpointError } from '../errors.ts';
import {
  PyComplex,
  PyDevice,
  PyDict,
  PyDType,
  PyObject,
  PySet,
  PySize,
  PyTuple,
  type PyKey,
  type PyValue,
  type Storage,
  StoredTensor,
} from '../values.ts';
import { ByteSink } from './byte-sink.ts';
import { encodeLong } from './long.ts';
import { OP } from './opcodes.ts';
import { decodeLatin1, encodeUtf8 } from './text.ts';

export interface PickleWriteOptions {
  /** Deepest nesting of containers accepted (default 1000), as the reader's `maxDepth`. */
  maxDepth?: number;
  /**
   * Write each PyObject as CPython's protocol 2 writes a plain class instance (`object.__reduce_ex__(2)`,
   * `copyreg.__newobj__`): the class, its args, NEWOBJ, then its state and BUILD. Off by default, since
   * weights_only loads such objects only for classes the user allows (`torch.serialization.safe_globals`);
   * `torch.save(model)` files need it (src/nn/whole-model.ts).
   */
  newObjects?: boolean;
}

export interface PickleWriteResult {
  readonly bytes: Uint8Array;
  /** Storage `i` is the record `data/<i>`: keys "0", "1", ... by first encounter. */
  readonly storages: Storage[];
}

export function writePickle(value: PyValue, options: PickleWriteOptions = {}): PickleWriteResult {
  const writer = new Writer(options.maxDepth ?? 1000, options.newObjects === true);
  writer.sink.byte(OP.PROTO);
  writer.sink.byte(2);
  writer.save(value);
  writer.sink.byte(OP.STOP);
  return { bytes: writer.sink.finish(), storages: writer.storages };
}

/** CPython `pickle._BATCHSIZE`: items per MARK ... APPENDS/SETITEMS. */
const batchSize = 1000;

class Writer {
  readonly sink = new ByteSink();
  readonly storages: Storage[] = [];
  private memoCount = 0;
  private readonly objectMemo = new Map<object, number>();
  private readonly stringMemo = new Map<string, number>();
  private readonly globalMemo = new Map<string, number>();
  private readonly storageKeys = new Map<Storage, { key: string; memo?: number }>();
  /** Containers being written: meeting one again means a cycle, which the reader would refuse. */
  private readonly open = new Set<object>();
  private readonly path: string[] = [];

  constructor(
    private readonly maxDepth: number,
    private readonly newObjects: boolean,
  ) {}

  save(value: PyValue): void {
    if (value === null) return this.sink.byte(OP.NONE);
    switch (typeof value) {
      case 'boolean':
        return this.sink.byte(value ? OP.NEWTRUE : OP.NEWFALSE);
      case 'bigint':
        return this.saveInt(value);
      case 'number':
        this.sink.byte(OP.BINFLOAT);
        return this.sink.f64BigEndian(value);
      case 'string':
        return this.saveString(value, true);
    }
    if (this.open.has(value)) this.refuse('the value contains itself (a cycle)');
    const memoized = this.objectMemo.get(value);
    if (memoized !== undefined) return this.memoGet(memoized);
    if (this.open.size >= this.maxDepth) this.refuse(`containers nested deeper than ${this.maxDepth}`);
    this.open.add(value);
    try {
      this.saveObject(value);
    } finally {
      this.open.delete(value);
    }
  }

  private saveObject(value: Exclude<PyValue, null | boolean | bigint | number | string>): void {
    if (Array.isArray(value)) return this.saveList(value);
    if (value instanceof PySize) return this.saveSize(value);
    if (value instanceof PyTuple) return this.saveTuple(value.items, value);
    if (value instanceof PyDict) return this.saveDict(value);
    if (value instanceof StoredTensor)
      return value.isParameter ? this.saveParameter(value) : this.saveTensor(value);
    if (value instanceof Uint8Array) return this.saveBytes(value);
    if (value instanceof PyDType) return this.saveGlobal('torch', value.dtype.name);
    if (value instanceof PyDevice) return this.saveDevice(value);
    if (value instanceof PySet && !value.frozen) {
      return this.saveReduce('__builtin__', 'set', () => this.saveTuple([[...value.items]]), value);
    }
    if (value instanceof PyComplex) {
      return this.saveReduce('__builtin__', 'complex', () => this.saveTuple([value.real, value.imag]), value);
    }
    if (value instanceof PySet) this.refuse('a frozenset cannot be loaded with weights_only=True');
    if (value instanceof PyObject) {
      if (this.newObjects) return this.saveNewObject(value);
      this.refuse(`an object of class ${value.module}.${value.name} cannot be loaded with weights_only=True`);
    }
    this.refuse(`a ${(value as object).constructor.name} cannot be pickled`);
  }

  // --- Scalars ---------------------------------------------------------------------------------------

  /** BININT1/BININT2/BININT by range, else LONG1 (LONG4 beyond 255 bytes), as `save_long`. */
  private saveInt(value: bigint): void {
    const sink = this.sink;
    if (value >= 0n && value <= 0xffn) {
      sink.byte(OP.BININT1);
      return sink.byte(Number(value));
    }
    if (value >= 0n && value <= 0xffffn) {
      sink.byte(OP.BININT2);
      return sink.u16(Number(value));
    }
    if (value >= -0x80000000n && value <= 0x7fffffffn) {
      sink.byte(OP.BININT);
      return sink.i32(Number(value));
    }
    const encoded = encodeLong(value);
    if (encoded.length < 256) {
      sink.byte(OP.LONG1);
      sink.byte(encoded.length);
    } else {
      sink.byte(OP.LONG4);
      sink.i32(encoded.length);
    }
    sink.bytes(encoded);
  }

  /** BINUNICODE + memo; `shared` strings are reused by value (see the file comment). */
  private saveString(text: string, shared: boolean): void {
    const memoized = shared ? this.stringMemo.get(text) : undefined;
    if (memoized !== undefined) return this.memoGet(memoized);
    this.writeUnicode(text);
    const index = this.memoPut();
    if (shared) this.stringMemo.set(text, index);
  }

  private writeUnicode(text: string): void {
    const encoded = encodeUtf8(text);
    this.sink.byte(OP.BINUNICODE);
    this.sink.u32(encoded.length);
    this.sink.bytes(encoded);
  }

  /**
   * `_codecs.encode(text, 'latin1')`, as protocol 2 writes `bytes`. The text is a fresh str in CPython, so
   * it is not shared by value. Deviation: CPython writes `b''` as `bytes()`, which torch's allowlist lacks,
   * so empty bytes take the same form as the rest.
   */
  private saveBytes(value: Uint8Array): void {
    const saveArgs = (): void => {
      this.saveString(decodeLatin1(value), false);
      this.saveString('latin1', true);
      this.closeTuple(2);
    };
    this.saveReduce('_codecs', 'encode', saveArgs, value);
  }

  // --- Containers ------------------------------------------------------------------------------------

  /** EMPTY_TUPLE for `()` (never memoized), TUPLE1-3, or MARK ... TUPLE; then memoized under `identity`. */
  private saveTuple(items: readonly PyValue[], identity?: object): void {
    if (items.length === 0) return this.sink.byte(OP.EMPTY_TUPLE);
    if (items.length > 3) this.sink.byte(OP.MARK);
    items.forEach((item, i) => this.within(String(i), () => this.save(item)));
    this.closeTuple(items.length, identity);
  }

  private closeTuple(length: number, identity?: object): void {
    const sized = [OP.EMPTY_TUPLE, OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][length];
    this.sink.byte(sized ?? OP.TUPLE);
    this.memoPut(identity);
  }

  /** `batch_list_exact`: one item is APPEND; otherwise MARK ... APPENDS per 1000 items. */
  private saveList(list: readonly PyValue[]): void {
    this.sink.byte(OP.EMPTY_LIST);
    this.memoPut(list);
    if (list.length === 1) {
      this.within('0', () => this.save(list[0] as PyValue));
      return this.sink.byte(OP.APPEND);
    }
    for (let start = 0; start < list.length; start += batchSize) {
      this.sink.byte(OP.MARK);
      const end = Math.min(start + batchSize, list.length);
      for (let i = start; i < end; i++) this.within(String(i), () => this.save(list[i] as PyValue));
      this.sink.byte(OP.APPENDS);
    }
  }

  private saveDict(dict: PyDict): void {
    const hasAttributes = dict.attributes !== undefined && dict.attributes.size > 0;
    if (dict.kind === 'OrderedDict') return this.saveOrderedDict(dict);
    if (hasAttributes) this.refuse(`a ${dict.kind} cannot carry attributes`);
    if (dict.kind === 'Counter') {
      const items = new PyDict('dict', dict);
      return this.saveReduce('collections', 'Counter', () => this.saveTuple([items]), dict);
    }
    this.sink.byte(OP.EMPTY_DICT);
    this.memoPut(dict);
    this.saveExactDictItems(dict);
  }

  /** `batch_dict_exact`: one item is SETITEM; otherwise MARK ... SETITEMS per 1000, and a batch that
   *  ends exactly full is followed by an empty MARK SETITEMS (CPython's loop tests `i == BATCHSIZE`). */
  private saveExactDictItems(dict: ReadonlyMap<PyKey, PyValue>): void {
    if (dict.size === 0) return;
    if (dict.size === 1) {
      for (const [key, value] of dict) this.saveItem(key, value);
      return this.sink.byte(OP.SETITEM);
    }
    const entries = dict.entries();
    let inBatch: number;
    do {
      this.sink.byte(OP.MARK);
      inBatch = 0;
      for (let next = entries.next(); !next.done; next = entries.next()) {
        this.saveItem(next.value[0], next.value[1]);
        if (++inBatch === batchSize) break;
      }
      this.sink.byte(OP.SETITEMS);
    } while (inBatch === batchSize);
  }

  /** `OrderedDict.__reduce__`: class, `()`, REDUCE, items through `batch_dict`, then BUILD of attributes. */
  private saveOrderedDict(dict: PyDict): void {
    this.saveReduce('collections', 'OrderedDict', () => this.sink.byte(OP.EMPTY_TUPLE), dict);
    // `batch_dict` over an iterator: a lone trailing item is SETITEM, and no empty batches.
    const entries = [...dict];
    for (let start = 0; start < entries.length; start += batchSize) {
      const batch = entries.slice(start, start + batchSize);
      if (batch.length === 1) {
        const [key, value] = batch[0] as [PyKey, PyValue];
        this.saveItem(key, value);
        this.sink.byte(OP.SETITEM);
        continue;
      }
      this.sink.byte(OP.MARK);
      for (const [key, value] of batch) this.saveItem(key, value);
      this.sink.byte(OP.SETITEMS);
    }
    if (dict.attributes !== undefined && dict.attributes.size > 0) {
      const state = new PyDict('dict', dict.attributes);
      this.within('__dict__', () => this.save(state));
      this.sink.byte(OP.BUILD);
    }
  }

  private saveItem(key: PyKey, value: PyValue): void {
    this.within(String(key), () => {
      this.save(key);
      this.save(value);
    });
  }

  // --- Globals and reductions ------------------------------------------------------------------------

  /** GLOBAL `module\nname\n`, memoized: later uses are BINGETs of the same class object. */
  private saveGlobal(module: string, name: string): void {
    const key = `${module}\n${name}`;
    const memoized = this.globalMemo.get(key);
    if (memoized !== undefined) return this.memoGet(memoized);
    this.sink.byte(OP.GLOBAL);
    this.sink.ascii(`${key}\n`);
    this.globalMemo.set(key, this.memoPut());
  }

  /** `save_reduce`: callable, args (written by `saveArgs`), REDUCE, then the result memoized. */
  private saveReduce(module: string, name: string, saveArgs: () => void, identity?: object): void {
    this.saveGlobal(module, name);
    saveArgs();
    this.sink.byte(OP.REDUCE);
    this.memoPut(identity);
  }

  /**
   * `save_reduce` of `(copyreg.__newobj__, (cls, *args), state)`: GLOBAL cls, the args tuple, NEWOBJ, the
   * instance memoized, then `state` (an nn.Module's `__dict__`) and BUILD when there is one.
   */
  private saveNewObject(value: PyObject): void {
    this.saveGlobal(value.module, value.name);
    this.within('<args>', () => this.saveTuple(value.args));
    this.sink.byte(OP.NEWOBJ);
    this.memoPut(value);
    if (value.state === null) return;
    this.within(value.name, () => this.save(value.state));
    this.sink.byte(OP.BUILD);
  }

  /** `torch.Size.__reduce__`: `(torch.Size, (tuple(self),))`. */
  private saveSize(size: PySize): void {
    const saveArgs = (): void => {
      this.saveTuple(size.items);
      this.closeTuple(1);
    };
    this.saveReduce('torch', 'Size', saveArgs, size);
  }

  private saveDevice(device: PyDevice): void {
    const [type, index, ...rest] = device.name.split(':');
    if (
      type === undefined ||
      type === '' ||
      rest.length > 0 ||
      (index !== undefined && !/^\d+$/.test(index))
    ) {
      this.refuse(`device '${device.name}' is not a torch device name`);
    }
    // `torch.device.__reduce__` makes a fresh type string each time: CPython never reuses it.
    const saveArgs = (): void => {
      this.saveString(type, false);
      if (index !== undefined) this.saveInt(BigInt(index));
      this.closeTuple(index === undefined ? 1 : 2);
    };
    this.saveReduce('torch', 'device', saveArgs, device);
  }

  // --- Tensors ---------------------------------------------------------------------------------------

  /**
   * `_rebuild_parameter(tensor, requires_grad, OrderedDict())`, or `_rebuild_parameter_with_state(...,
   * state)` when the Parameter had Python attributes (torch/nn/parameter.py `__reduce_ex__`); the inner
   * tensor is `param.data`.
   */
  private saveParameter(parameter: StoredTensor): void {
    const state = parameter.pythonState;
    this.saveReduce(
      'torch._utils',
      state === undefined ? '_rebuild_parameter' : '_rebuild_parameter_with_state',
      () => {
        if (state !== undefined) this.sink.byte(OP.MARK); // four arguments: MARK ... TUPLE
        this.saveTensor(parameter, false);
        this.sink.byte(parameter.requiresGrad ? OP.NEWTRUE : OP.NEWFALSE);
        this.saveEmptyOrderedDict();
        if (state !== undefined) this.within('<state>', () => this.save(state));
        this.closeTuple(state === undefined ? 3 : 4);
      },
      parameter,
    );
  }

  /**
   * `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())`, or `_rebuild_tensor_v3`
   * with an UntypedStorage and the dtype for dtypes that have no storage class. Memoized under the tensor
   * unless it is the `.data` of a Parameter (a fresh object in torch).
   */
  private saveTensor(tensor: StoredTensor, own = true): void {
    const typed = tensor.dtype.storage !== undefined;
    this.saveGlobal('torch._utils', typed ? '_rebuild_tensor_v2' : '_rebuild_tensor_v3');
    this.sink.byte(OP.MARK);
    this.savePersistentId(tensor.storage);
    this.saveInt(BigInt(tensor.offset));
    this.saveTuple(tensor.shape.map((n) => BigInt(n)));
    this.saveTuple(tensor.stride.map((n) => BigInt(n)));
    this.sink.byte(own && tensor.requiresGrad ? OP.NEWTRUE : OP.NEWFALSE);
    this.saveEmptyOrderedDict();
    if (!typed) this.saveGlobal('torch', tensor.dtype.name);
    if (tensor.neg || tensor.conj) {
      // torch's `get_tensor_metadata`: the lazy bits that are set, as the last argument.
      const metadata = new PyDict('dict');
      if (tensor.conj) metadata.set('conj', true);
      if (tensor.neg) metadata.set('neg', true);
      this.saveDict(metadata);
    }
    this.sink.byte(OP.TUPLE);
    this.memoPut();
    this.sink.byte(OP.REDUCE);
    this.memoPut(own ? tensor : undefined);
  }

  /** `('storage', torch.<X>Storage, key, location, numel)` BINPERSID; numel counts bytes when untyped. */
  private savePersistentId(storage: Storage): void {
    let entry = this.storageKeys.get(storage);
    if (entry === undefined) {
      entry = { key: String(this.storages.length) };
      this.storageKeys.set(storage, entry);
      this.storages.push(storage);
    }
    const typeName = storage.dtype.storage;
    this.sink.byte(OP.MARK);
    this.saveString('storage', true);
    if (typeName !== undefined) this.saveGlobal('torch', typeName);
    else this.saveGlobal('torch.storage', 'UntypedStorage');
    if (entry.memo !== undefined) this.memoGet(entry.memo);
    else {
      this.writeUnicode(entry.key);
      entry.memo = this.memoPut();
    }
    this.saveString(storage.location, true);
    this.saveInt(BigInt(typeName !== undefined ? storage.numel : storage.bytes.byteLength));
    this.sink.byte(OP.TUPLE);
    this.memoPut();
    this.sink.byte(OP.BINPERSID);
  }

  /** `OrderedDict()`: the backward_hooks argument torch writes for every tensor. */
  private saveEmptyOrderedDict(): void {
    this.saveReduce('collections', 'OrderedDict', () => this.sink.byte(OP.EMPTY_TUPLE));
  }

  // --- Memo and errors -------------------------------------------------------------------------------

  /** BINPUT/LONG_BINPUT of the next index; `identity`, if given, is what later BINGETs stand for. */
  private memoPut(identity?: object): number {
    const index = this.memoCount++;
    if (index < 256) {
      this.sink.byte(OP.BINPUT);
      this.sink.byte(index);
    } else {
      this.sink.byte(OP.LONG_BINPUT);
      this.sink.u32(index);
    }
    if (identity !== undefined) this.objectMemo.set(identity, index);
    return index;
  }

  private memoGet(index: number): void {
    if (index < 256) {
      this.sink.byte(OP.BINGET);
      this.sink.byte(index);
    } else {
      this.sink.byte(OP.LONG_BINGET);
      this.sink.u32(index);
    }
  }

  private within(segment: string, write: () => void): void {
    this.path.push(segment);
    write();
    this.path.pop();
  }

  private refuse(why: string): never {
    throw new CheckpointError('unsupported-value', why, this.path.join('.') || '<root>');
  }
}
