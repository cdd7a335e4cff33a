/**
 * `torch.save(model)` from an architecture spec and a state_dict: the torch.nn modules themselves, pickled
 * as CPython pickles any instance at protocol 2 (class, NEWOBJ, then BUILD with the module's `__dict__`),
 * so that `torch.load(f, weights_only=False)` gives a ready `nn.Sequential` with no code of the user's, and
 * torch 2.6 loads it with `weights_only=True` inside `torch.serialization.safe_globals(wholeModelClasses(..))`.
 *
 * Each `__dict__` holds torch 2.6's bookkeeping attributes (hooks, `_parameters`, `_buffers`, `_modules`,
 * `training`) then the class's own (whole-model-classes.ts). 2.6 is the strict target: its `_parameters`,
 * `_buffers` and `_modules` are plain dicts (1.13's were OrderedDicts, and work as dicts there), and 1.13
 * keeps the 2.x hook dicts it does not know as unused attributes. The model is written in eval mode unless asked otherwise:
 * the tutorial's advice to call `model.eval()` before saving.
 */
import { PyDict, PyObject, PySet, type PyValue, saveTorchZip, StoredTensor } from '../checkpoint/index.ts';
import type { ModuleSpec } from './build.ts';
import { classLayout, type ClassLayout, type Slot } from './whole-model-classes.ts';

export { NoTorchClassError } from './whole-model-classes.ts';

/** The state_dict does not fit the architecture: a key missing or left over, or a shape that differs. */
export class WholeModelError extends Error {
  override name = 'WholeModelError';
}

export interface WholeModelOptions {
  /** Every module's `training` flag; false (eval mode) unless set. */
  readonly training?: boolean;
  /** The archive's root folder (torch: the file's base name). */
  readonly root?: string;
}

const sequential = { module: 'torch.nn.modules.container', name: 'Sequential' };

/** The root module as the pickle VM's value model; `stateDict` must match `arch` exactly (strict). */
export function wholeModelValue(
  arch: ModuleSpec,
  stateDict: ReadonlyMap<unknown, PyValue>,
  options: WholeModelOptions = {},
): PyObject {
  const unused = new Set([...stateDict.keys()].map(String));
  const tensors = new Map([...stateDict].map(([k, v]) => [String(k), v]));
  const root = moduleOf(arch, '', tensors, unused, options.training === true);
  if (unused.size > 0) {
    throw new WholeModelError(`the state_dict has keys the architecture does not: ${[...unused].join(', ')}`);
  }
  return root;
}

/** The file's bytes: what `torch.save(model, f)` writes for the same model. */
export function saveWholeModel(
  arch: ModuleSpec,
  stateDict: ReadonlyMap<unknown, PyValue>,
  options: WholeModelOptions = {},
): Uint8Array {
  const value = wholeModelValue(arch, stateDict, options);
  return saveTorchZip(value, {
    newObjects: true,
    ...(options.root === undefined ? {} : { root: options.root }),
  });
}

/**
 * The classes a whole-model file of `arch` uses, as `torch.nn.<Name>` (every one is exported there), in
 * first-use order: the list to pass to `torch.serialization.safe_globals`.
 */
export function wholeModelClasses(arch: ModuleSpec): string[] {
  const names = new Set<string>();
  const visit = (spec: ModuleSpec): void => {
    if (spec.type === 'Sequential') {
      names.add('Sequential');
      for (const child of (spec['layers'] ?? []) as ModuleSpec[]) visit(child);
    } else names.add(classLayout(spec).name);
  };
  visit(arch);
  return [...names].map((n) => `torch.nn.${n}`);
}

function moduleOf(
  spec: ModuleSpec,
  prefix: string,
  tensors: Map<string, PyValue>,
  unused: Set<string>,
  training: boolean,
): PyObject {
  if (spec.type === 'Sequential') {
    const layers = spec['layers'] ?? [];
    if (!Array.isArray(layers)) throw new TypeError('Sequential: layers must be a list of specs');
    const extra = Object.keys(spec).filter((k) => k !== 'type' && k !== 'layers');
    if (extra.length > 0) throw new TypeError(`Sequential takes only 'layers', got ${extra.join(', ')}`);
    const children = new PyDict('dict');
    (layers as ModuleSpec[]).forEach((child, i) =>
      children.set(String(i), moduleOf(child, `${prefix}${i}.`, tensors, unused, training)),
    );
    return instance(sequential, training, new PyDict('dict'), new PyDict('dict'), children, []);
  }
  const cls = classLayout(spec);
  const take = (slots: ClassLayout['parameters'], parameter: boolean) => {
    const out = new PyDict('dict');
    for (const [name, slot] of slots)
      out.set(name, slotValue(`${prefix}${name}`, slot, parameter, tensors, unused));
    return out;
  };
  return instance(
    cls,
    training,
    take(cls.parameters, true),
    take(cls.buffers, false),
    new PyDict('dict'),
    cls.attributes,
  );
}

function slotValue(
  key: string,
  slot: Slot,
  parameter: boolean,
  tensors: Map<string, PyValue>,
  unused: Set<string>,
): StoredTensor | null {
  if (slot === null) return null;
  const t = tensors.get(key);
  if (!(t instanceof StoredTensor)) {
    throw new WholeModelError(
      t === undefined
        ? `the state_dict has no ${key}, which the architecture needs`
        : `${key} is not a tensor`,
    );
  }
  if (t.shape.length !== slot.length || t.shape.some((d, i) => d !== slot[i])) {
    throw new WholeModelError(
      `${key} has shape (${t.shape.join(', ')}), the architecture needs (${slot.join(', ')})`,
    );
  }
  unused.delete(key);
  // Parameters are `nn.Parameter(requires_grad=True)`, buffers plain tensors, as a built module holds them.
  return new StoredTensor(t.storage, t.shape, t.stride, t.offset, parameter, parameter);
}

/** One module: torch 2.6's `Module.__init__` attributes in its order, then the class's own. */
function instance(
  cls: { module: string; name: string },
  training: boolean,
  parameters: PyDict,
  buffers: PyDict,
  modules: PyDict,
  attributes: ReadonlyArray<readonly [string, PyValue]>,
): PyObject {
  const hooks = () => new PyDict('OrderedDict'); // each a distinct object, as in torch
  const state = new PyDict('dict', [
    ['training', training],
    ['_parameters', parameters],
    ['_buffers', buffers],
    ['_non_persistent_buffers_set', new PySet([])],
    ['_backward_pre_hooks', hooks()],
    ['_backward_hooks', hooks()],
    ['_is_full_backward_hook', null],
    ['_forward_hooks', hooks()],
    ['_forward_hooks_with_kwargs', hooks()],
    ['_forward_hooks_always_called', hooks()],
    ['_forward_pre_hooks', hooks()],
    ['_forward_pre_hooks_with_kwargs', hooks()],
    ['_state_dict_hooks', hooks()],
    ['_state_dict_pre_hooks', hooks()],
    ['_load_state_dict_pre_hooks', hooks()],
    ['_load_state_dict_post_hooks', hooks()],
    ['_modules', modules],
    ...attributes,
  ]);
  return new PyObject(cls.module, cls.name, [], state);
}
