/**
 * The tensor rebuild functions of `torch/_utils.py` and `torch/_tensor.py`, as pure constructors of
 * StoredTensor. The storage argument is whatever the persistentLoad callback returned for the persistent
 * id; it must be a Storage. StoredTensor's constructor checks the view lies inside the storage.
 */
import { CheckpointError } from '../errors.ts';
import { PyDict, PyDType, PyTuple, Storage, StoredTensor, type PyValue } from '../values.ts';
import {
  badArgument,
  expectArity,
  expectBool,
  expectIndexTuple,
  expectSafeInt,
  expectTuple,
  typeName,
} from './arguments.ts';
import type { CallContext } from './builder.ts';
import { PyGlobal } from './refs.ts';

const utils = 'torch._utils';

/** `_rebuild_tensor(storage, storage_offset, size, stride)`: torch < 1.x, no requires_grad. */
export function rebuildTensorV1(args: readonly PyValue[]): StoredTensor {
  const callee = `${utils}._rebuild_tensor`;
  expectArity(callee, args, 4);
  return view(callee, expectStorage(callee, args[0]), args[1], args[2], args[3], false);
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`. */
export function rebuildTensorV2(args: readonly PyValue[]): StoredTensor {
  const callee = `${utils}._rebuild_tensor_v2`;
  expectArity(callee, args, 6, 7);
  const [storage, offset, size, stride, requiresGrad, hooks, metadata] = args;
  expectNoHooks(callee, hooks);
  const grad = expectBool(callee, 'requires_grad', requiresGrad);
  return withMetadata(
    callee,
    view(callee, expectStorage(callee, storage), offset, size, stride, grad),
    metadata,
  );
}

/**
 * `_rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])`:
 * the storage is untyped bytes that become `dtype` elements here.
 */
export function rebuildTensorV3(args: readonly PyValue[], context: CallContext): StoredTensor {
  const callee = `${utils}._rebuild_tensor_v3`;
  expectArity(callee, args, 7, 8);
  const [storage, offset, size, stride, requiresGrad, hooks, dtype, metadata] = args;
  expectNoHooks(callee, hooks);
  const grad = expectBool(callee, 'requires_grad', requiresGrad);
  if (!(dtype instanceof PyDType)) badArgument(callee, `dtype must be a torch.dtype, got ${typeName(dtype)}`);
  const bytes = expectStorage(callee, storage);
  let typed = bytes;
  if (bytes.dtype !== dtype.dtype) {
    if (bytes.dtype.itemsize !== 1) {
      badArgument(callee, `storage holds ${bytes.dtype.name}, not untyped bytes`);
    }
    if (bytes.bytes.byteLength % dtype.dtype.itemsize !== 0) {
      throw new CheckpointError(
        'storage-size',
        `${bytes.bytes.byteLength} bytes are not a whole number of ${dtype.dtype.name} elements`,
      );
    }
    typed = context.retype(bytes, dtype.dtype);
  }
  return withMetadata(callee, view(callee, typed, offset, size, stride, grad), metadata);
}

/** `torch.nn.Parameter(data, requires_grad=True)`, reached through NEWOBJ or REDUCE. */
export function buildParameter(args: readonly PyValue[]): StoredTensor {
  const callee = 'torch.nn.parameter.Parameter';
  expectArity(callee, args, 1, 2);
  const grad = args.length === 2 ? expectBool(callee, 'requires_grad', args[1]) : true;
  return asParameter(expectTensor(callee, args[0]), grad);
}

/** `_rebuild_parameter(data, requires_grad, backward_hooks)`. */
export function rebuildParameter(args: readonly PyValue[]): StoredTensor {
  const callee = `${utils}._rebuild_parameter`;
  expectArity(callee, args, 3);
  expectNoHooks(callee, args[2]);
  return asParameter(expectTensor(callee, args[0]), expectBool(callee, 'requires_grad', args[1]));
}

/** `_rebuild_parameter_with_state(data, requires_grad, backward_hooks, state)`; only an empty state fits. */
export function rebuildParameterWithState(args: readonly PyValue[]): StoredTensor {
  const callee = `${utils}._rebuild_parameter_with_state`;
  expectArity(callee, args, 4);
  expectNoHooks(callee, args[2]);
  const state = args[3] as PyValue;
  const tensor = expectTensor(callee, args[0]);
  const grad = expectBool(callee, 'requires_grad', args[1]);
  const kept = isEmptyState(state) ? undefined : state;
  return new StoredTensor(
    tensor.storage,
    tensor.shape,
    tensor.stride,
    tensor.offset,
    grad,
    true,
    kept,
    tensor.signs,
  );
}

/**
 * `_rebuild_from_type_v2(func, type, args, state)`: `func(*args)` re-typed as `type`. Only plain tensors
 * and Parameters fit the value model; subclasses and Python attributes are refused.
 */
export function rebuildFromType(args: readonly PyValue[], context: CallContext): StoredTensor {
  const callee = 'torch._tensor._rebuild_from_type_v2';
  expectArity(callee, args, 4);
  const [func, type, innerArgs, state] = args;
  expectNoState(callee, state);
  if (!(type instanceof PyGlobal)) return badArgument(callee, `type must be a class, got ${typeName(type)}`);
  const tensor = expectTensor(
    callee,
    context.call(func as PyValue, expectTuple(callee, 'args', innerArgs).items),
  );
  switch (type.qualifiedName) {
    case 'torch.Tensor':
      return tensor;
    case 'torch.nn.parameter.Parameter':
      return asParameter(tensor, tensor.requiresGrad);
  }
  throw new CheckpointError('unsupported-value', `tensor subclass ${type.qualifiedName} is not supported`);
}

function view(
  callee: string,
  storage: Storage,
  offset: PyValue | undefined,
  size: PyValue | undefined,
  stride: PyValue | undefined,
  requiresGrad: boolean,
): StoredTensor {
  return new StoredTensor(
    storage,
    expectIndexTuple(callee, 'size', size),
    expectIndexTuple(callee, 'stride', stride),
    expectSafeInt(callee, 'storage_offset', offset),
    requiresGrad,
  );
}

function asParameter(tensor: StoredTensor, requiresGrad: boolean): StoredTensor {
  return new StoredTensor(
    tensor.storage,
    tensor.shape,
    tensor.stride,
    tensor.offset,
    requiresGrad,
    true,
    undefined,
    tensor.signs,
  );
}

function expectStorage(callee: string, value: PyValue | undefined): Storage {
  // Not a PyValue in the type system, but persistentLoad returns one: see PickleReadOptions.
  if (!((value as unknown) instanceof Storage)) {
    badArgument(callee, `storage must come from a persistent id, got ${typeName(value)}`);
  }
  return value as unknown as Storage;
}

function expectTensor(callee: string, value: PyValue | undefined): StoredTensor {
  if (!(value instanceof StoredTensor)) badArgument(callee, `data must be a tensor, got ${typeName(value)}`);
  return value;
}

/** Backward hooks are functions: a file can only hold an empty OrderedDict of them. */
function expectNoHooks(callee: string, hooks: PyValue | undefined): void {
  if (!(hooks instanceof PyDict))
    badArgument(callee, `backward_hooks must be a dict, got ${typeName(hooks)}`);
  if (hooks.size > 0) {
    throw new CheckpointError('unsupported-value', `${callee}: backward hooks cannot be loaded`);
  }
}

/**
 * `{'conj': True}` / `{'neg': True}` (the 7th or 8th argument) mark tensors whose conjugation or negation
 * torch applies lazily. They stay lazy here too (StoredTensor's `signs`, applied on every read of the
 * elements): resolving them would turn a stride-0 view of one element into a copy of billions.
 */
function withMetadata(callee: string, tensor: StoredTensor, metadata: PyValue | undefined): StoredTensor {
  if (metadata === undefined || metadata === null) return tensor;
  if (!(metadata instanceof PyDict))
    badArgument(callee, `metadata must be a dict, got ${typeName(metadata)}`);
  let conj = false;
  let neg = false;
  for (const [key, value] of metadata) {
    if (key === 'conj' && typeof value === 'boolean') conj = value;
    else if (key === 'neg' && typeof value === 'boolean') neg = value;
    else
      throw new CheckpointError(
        'unsupported-value',
        `${callee}: tensor metadata ${String(key)} is not supported`,
      );
  }
  if (!conj && !neg) return tensor;
  const { storage, shape, stride, offset, requiresGrad } = tensor;
  return new StoredTensor(storage, shape, stride, offset, requiresGrad, false, undefined, { neg, conj });
}

function isEmptyState(state: PyValue): boolean {
  const parts = state instanceof PyTuple ? state.items : [state];
  return parts.every((part) => part === null || (part instanceof PyDict && part.size === 0));
}

/** Python attributes of a tensor (`obj.__dict__`, or a `(dict, slots)` pair): only empty ones fit. */
function expectNoState(callee: string, state: PyValue | undefined): void {
  const parts = state instanceof PyTuple ? state.items : [state];
  for (const part of parts) {
    if (part === null || (part instanceof PyDict && part.size === 0)) continue;
    throw new CheckpointError(
      'unsupported-value',
      `${callee}: tensors with Python attributes are not supported`,
    );
  }
}
