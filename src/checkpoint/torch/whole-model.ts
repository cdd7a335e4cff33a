/**
 * Recovers a state_dict from a whole pickled `nn.Module` (`torch.save(model)`) without running any of it.
 * The pickle VM kept each module as an inert PyObject whose state is the module's `__dict__`; torch's
 * `Module.state_dict()` walks `_parameters`, then `_buffers` minus `_non_persistent_buffers_set`, then
 * `_modules` recursively, joining names with `.` (torch/nn/modules/module.py `_save_to_state_dict`).
 *
 * Deviation from torch: `_metadata` (each module class's `_version`) is a class attribute that the pickle
 * does not hold, so the recovered state_dict has none; `load_state_dict` does not need it.
 */
import { CheckpointError } from '../errors.ts';
import { PyDict, PyObject, PySet, StoredTensor, type PyValue } from '../values.ts';

export interface RecoveredModel {
  readonly stateDict: PyDict;
  /** `module.ClassName` of the root module. */
  readonly className: string;
}

/**
 * The pickle memo can hold one module under many parents (32 levels of a module holding the previous one
 * twice make 2^32 keys from a few KB), so keys are counted first, each shared module once, and a count
 * past this is refused before anything is expanded.
 */
export const maxRecoveredKeys = 1 << 20;

export function recoverStateDict(root: PyValue): RecoveredModel | undefined {
  if (!isModule(root)) return undefined;
  const keys = countKeys(root, new Map(), 0, '');
  if (keys > maxRecoveredKeys) {
    throw new CheckpointError(
      'limit-exceeded',
      `the pickled model's state_dict would have ${keys} keys (shared submodules count once per path); the limit is ${maxRecoveredKeys}`,
    );
  }
  const stateDict = new PyDict('OrderedDict');
  collect(root, '', stateDict, 0);
  return { stateDict, className: `${root.module}.${root.name}` };
}

/** The state_dict keys under `module`, memoised by identity; checks the nesting as `collect` would. */
function countKeys(module: PyObject, counted: Map<PyObject, number>, depth: number, prefix: string): number {
  const known = counted.get(module);
  if (known !== undefined) return known;
  checkDepth(depth, prefix);
  const state = moduleState(module) as PyDict;
  let keys = 0;
  for (const field of ['_parameters', '_buffers'] as const) {
    const tensors = state.get(field);
    if (tensors instanceof PyDict) keys += tensors.size; // an upper bound: None and skipped buffers included
  }
  const children = state.get('_modules');
  for (const [name, child] of children instanceof PyDict ? children : []) {
    if (isModule(child)) keys += countKeys(child, counted, depth + 1, `${prefix}${String(name)}.`);
  }
  counted.set(module, keys);
  return keys;
}

function checkDepth(depth: number, prefix: string): void {
  if (depth > maxModuleDepth) {
    throw new CheckpointError('limit-exceeded', `modules nested deeper than ${maxModuleDepth}`, prefix);
  }
}

function moduleState(value: PyValue): PyDict | undefined {
  if (!(value instanceof PyObject) || !(value.state instanceof PyDict)) return undefined;
  return value.state;
}

function isModule(value: PyValue): value is PyObject {
  const state = moduleState(value);
  return (
    state !== undefined &&
    state.get('_parameters') instanceof PyDict &&
    state.get('_modules') instanceof PyDict
  );
}

const maxModuleDepth = 200;

function collect(module: PyObject, prefix: string, out: PyDict, depth: number): void {
  checkDepth(depth, prefix);
  const state = moduleState(module) as PyDict;
  const nonPersistent = state.get('_non_persistent_buffers_set');
  const skipped = new Set(nonPersistent instanceof PySet ? nonPersistent.items : []);
  for (const field of ['_parameters', '_buffers'] as const) {
    const tensors = state.get(field);
    if (!(tensors instanceof PyDict)) continue;
    for (const [name, tensor] of tensors) {
      if (tensor === null || (field === '_buffers' && skipped.has(name))) continue;
      if (!(tensor instanceof StoredTensor)) {
        throw new CheckpointError('bad-tensor', `${field} entry is not a tensor`, `${prefix}${String(name)}`);
      }
      // state_dict() holds detached plain tensors, not Parameters.
      out.set(`${prefix}${String(name)}`, detached(tensor));
    }
  }
  const children = state.get('_modules');
  if (!(children instanceof PyDict)) return;
  for (const [name, child] of children) {
    if (child === null) continue;
    if (!isModule(child)) {
      throw new CheckpointError('bad-tensor', 'submodule is not a module', `${prefix}${String(name)}`);
    }
    collect(child, `${prefix}${String(name)}.`, out, depth + 1);
  }
}

function detached(t: StoredTensor): StoredTensor {
  return new StoredTensor(t.storage, t.shape, t.stride, t.offset, false, false, undefined, t.signs);
}
