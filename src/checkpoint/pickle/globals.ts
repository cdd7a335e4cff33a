/**
 * The one table of globals a pickle may name. Everything a GLOBAL/STACK_GLOBAL can reach is listed here
 * with what it is (the value GLOBAL pushes) and, for callables, what calling it builds. The set follows
 * PyTorch 2.6's weights_only unpickler (`torch/_weights_only_unpickler.py` `_get_allowed_globals`,
 * FORMAT.md §5) and is no wider, except `frozenset`, which builds an inert value.
 *
 * In 'inert-objects' mode (whole-model pickles) a global outside the table becomes an inert class
 * reference, except in the modules of `refusedModules`, which are refused in every mode.
 */
import { allDTypes, dtypeByName, type DTypeInfo } from '../dtype.ts';
import { CheckpointError } from '../errors.ts';
import { PyDType, type PyValue } from '../values.ts';
import type { Builder } from './builder.ts';
import {
  buildByteArray,
  buildBytes,
  buildCodecsEncode,
  buildComplex,
  buildCounter,
  buildDevice,
  buildLayout,
  buildOrderedDict,
  buildReconstructor,
  buildSet,
  buildSize,
  unsupported,
} from './builders.ts';
import { PyGlobal, StorageType } from './refs.ts';

export { PyGlobal, StorageType };
import {
  buildParameter,
  rebuildFromType,
  rebuildParameter,
  rebuildParameterWithState,
  rebuildTensorV1,
  rebuildTensorV2,
  rebuildTensorV3,
} from './tensors.ts';

export type PickleMode = 'weights-only' | 'inert-objects';

export interface GlobalEntry {
  /** What GLOBAL pushes: a class reference, a storage type, a dtype. */
  readonly value: PyValue;
  /** What REDUCE builds from the args tuple. Absent: the global is a value and may not be called. */
  readonly call?: Builder;
  /** NEWOBJ (`cls.__new__(cls, *args)`) is allowed: the global is a class and `call` builds the instance. */
  readonly isClass?: boolean;
  /** Reachable only in 'inert-objects' mode: what `torch.save(model)` needs beyond torch's own allowlist. */
  readonly inertOnly?: boolean;
}

/**
 * Modules whose globals are refused even in 'inert-objects' mode (matched on the first dotted component).
 * Nothing is ever called in that mode, so this is defence in depth and a clear message: a pickle naming
 * these is an attack, not a model.
 */
const refusedModules = new Set([
  'builtins',
  'os',
  'posix',
  'nt',
  'sys',
  'subprocess',
  'shutil',
  'socket',
  'importlib',
  'runpy',
  'code',
  'codeop',
  'pickle',
  '_pickle',
  'marshal',
  'ctypes',
  'pty',
  'signal',
  'multiprocessing',
  'threading',
  '_thread',
  'webbrowser',
  'io',
  '_io',
  'pathlib',
  'operator',
  'functools',
  'types',
  'inspect',
  'eval',
  'exec',
]);

/** Python 2 module names, as `pickle`'s fix_imports maps them (`_compat_pickle.IMPORT_MAPPING`). */
const importMapping = new Map([
  ['__builtin__', 'builtins'],
  ['copy_reg', 'copyreg'],
]);

const table = new Map<string, GlobalEntry>();
/** The same entries by the value GLOBAL pushed, so REDUCE finds its callee without building a name. */
const byValue = new Map<PyValue, GlobalEntry>();

function add(qualifiedName: string, entry: Omit<GlobalEntry, 'value'> & { value?: PyValue }): void {
  const dot = qualifiedName.lastIndexOf('.');
  const value = entry.value ?? new PyGlobal(qualifiedName.slice(0, dot), qualifiedName.slice(dot + 1));
  const complete = { ...entry, value };
  table.set(qualifiedName, complete);
  byValue.set(value, complete);
}

add('collections.OrderedDict', { call: buildOrderedDict, isClass: true });
add('collections.Counter', { call: buildCounter, isClass: true });
add('builtins.set', { call: buildSet(false), isClass: true });
add('builtins.frozenset', { call: buildSet(true), isClass: true });
add('builtins.bytearray', { call: buildByteArray, isClass: true });
add('builtins.complex', { call: buildComplex, isClass: true });
add('_codecs.encode', { call: buildCodecsEncode });
// CPython's protocol 2 writes b'' as `bytes()`; torch's allowlist does not have it.
add('builtins.bytes', { call: buildBytes, isClass: true, inertOnly: true });
add('builtins.object', { inertOnly: true });
add('copyreg._reconstructor', { call: buildReconstructor, inertOnly: true });

add('torch.Size', { call: buildSize, isClass: true });
add('torch.device', { call: buildDevice, isClass: true });
add('torch.Tensor', {});
add('torch.nn.parameter.Parameter', { call: buildParameter, isClass: true });
add('torch.serialization._get_layout', { call: buildLayout });

add('torch._utils._rebuild_tensor', { call: rebuildTensorV1 });
add('torch._utils._rebuild_tensor_v2', { call: rebuildTensorV2 });
add('torch._utils._rebuild_tensor_v3', { call: rebuildTensorV3 });
add('torch._utils._rebuild_parameter', { call: rebuildParameter });
add('torch._utils._rebuild_parameter_with_state', { call: rebuildParameterWithState });
add('torch._tensor._rebuild_from_type_v2', { call: rebuildFromType });
for (const name of [
  '_rebuild_qtensor',
  '_rebuild_sparse_tensor',
  '_rebuild_meta_tensor_no_storage',
  '_rebuild_nested_tensor',
  '_rebuild_wrapper_subclass',
  '_rebuild_device_tensor_from_numpy',
  '_rebuild_device_tensor_from_cpu_tensor',
]) {
  const qualifiedName = `torch._utils.${name}`;
  add(qualifiedName, { call: unsupported(qualifiedName, 'only dense tensors with storage can be loaded') });
}

for (const dtype of allDTypes) add(`torch.${dtype.name}`, { value: new PyDType(dtype) });
for (const dtype of allDTypes) {
  if (dtype.storage === undefined) continue;
  for (const module of ['torch', 'torch.cuda']) {
    add(`${module}.${dtype.storage}`, { value: new StorageType(module, dtype.storage, dtype, false) });
    // Legacy tensor classes (`torch.FloatTensor`) appear as values in legacy files.
    const tensorClass = dtype.storage.replace(/Storage$/, 'Tensor');
    add(`${module}.${tensorClass}`, {});
  }
}
const untypedBytes = dtypeByName('uint8') as DTypeInfo;
add('torch.storage.UntypedStorage', {
  value: new StorageType('torch.storage', 'UntypedStorage', untypedBytes, true),
});
add('torch.storage.TypedStorage', {
  value: new StorageType('torch.storage', 'TypedStorage', undefined, false),
});
for (const qscheme of [
  'per_tensor_affine',
  'per_channel_affine',
  'per_tensor_symmetric',
  'per_channel_symmetric',
  'per_channel_affine_float_qparams',
]) {
  add(`torch.${qscheme}`, {});
}

/**
 * The entry GLOBAL `module name` resolves to, or undefined when 'inert-objects' mode may keep it as an
 * inert class. Throws for anything refused in `mode`.
 */
export function resolveGlobal(rawModule: string, name: string, mode: PickleMode): GlobalEntry | undefined {
  const module = canonicalModule(rawModule);
  const qualifiedName = `${module}.${name}`;
  const entry = table.get(qualifiedName);
  if (entry !== undefined && (mode === 'inert-objects' || entry.inertOnly !== true)) return entry;
  if (mode === 'weights-only') {
    throw new CheckpointError('unsupported-global', `GLOBAL ${qualifiedName} is not an allowed global`);
  }
  const top = module.split('.')[0] as string;
  if (refusedModules.has(top) || module === '' || name === '' || name.includes('\n')) {
    throw new CheckpointError('unsupported-global', `GLOBAL ${qualifiedName} is refused in every mode`);
  }
  return undefined;
}

/** The Python 3 name of a module a Python 2 pickle names (`__builtin__` -> `builtins`). */
export function canonicalModule(module: string): string {
  return importMapping.get(module) ?? module;
}

/** The table entry behind a class reference on the stack, if it has one. */
export function entryFor(reference: PyGlobal): GlobalEntry | undefined {
  return byValue.get(reference);
}
