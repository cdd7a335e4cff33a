/**
 * Walks a checkpoint's value tree into leaves keyed by path: nested dict keys and list or tuple indices
 * joined with `.` (`model_state_dict.fc.weight`, `optimizer_state_dict.state.0.exp_avg`). OrderedDict
 * attributes (`_metadata`) are not items and are not walked, as iterating the dict in Python skips them.
 */
import { CheckpointError } from '../errors.ts';
import { PyDict, PySize, PyTuple, StoredTensor, type PyKey, type PyValue } from '../values.ts';
import { pythonFloatRepr } from './python-repr.ts';

export interface Leaves {
  readonly tensors: [string, StoredTensor][];
  /** Non-tensor leaves, including empty containers. */
  readonly values: [string, PyValue][];
}

const maxDepth = 1000;

export function flatten(root: PyValue): Leaves {
  const leaves: Leaves = { tensors: [], values: [] };
  walk(root, '', leaves, 0);
  return leaves;
}

function walk(value: PyValue, path: string, leaves: Leaves, depth: number): void {
  if (depth > maxDepth) throw new CheckpointError('limit-exceeded', `nested deeper than ${maxDepth}`, path);
  const join = (key: string) => (path === '' ? key : `${path}.${key}`);
  if (value instanceof StoredTensor) {
    leaves.tensors.push([path, value]);
  } else if (value instanceof PyDict && value.size > 0) {
    for (const [key, item] of value) walk(item, join(keyText(key)), leaves, depth + 1);
  } else if (
    (Array.isArray(value) || value instanceof PyTuple) &&
    !(value instanceof PySize) &&
    itemsOf(value).length > 0
  ) {
    itemsOf(value).forEach((item, index) => walk(item, join(String(index)), leaves, depth + 1));
  } else {
    leaves.values.push([path, value]);
  }
}

function itemsOf(value: PyValue[] | PyTuple): readonly PyValue[] {
  return value instanceof PyTuple ? value.items : value;
}

/** `str(key)` as Python prints a dict key. */
export function keyText(key: PyKey): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'bigint') return key.toString();
  if (typeof key === 'number') return pythonFloatRepr(key);
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (key === null) return 'None';
  const parts = key.items.map((k) => (typeof k === 'string' ? `'${k}'` : keyText(k as PyKey)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}
