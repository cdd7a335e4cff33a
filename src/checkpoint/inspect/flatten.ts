/**
 * Walks a checkpoint's value tree into leaves keyed by path: nested dict keys and list or tuple indices
 * joined with `.` (`model_state_dict.fc.weight`, `optimizer_state_dict.state.0.exp_avg`). OrderedDict
 * attributes (`_metadata`) are not items and are not walked, as iterating the dict in Python skips them.
 *
 * The value is a DAG, not a tree: the pickle memo lets 32 dicts each hold the previous one twice, 2^32
 * paths in about a kilobyte. So the leaves and path characters under each container are counted first,
 * each shared container once (memoised by identity), and the walk refuses before expanding anything
 * when the total passes a limit. The walk itself is then bounded by what it reports.
 */
import { CheckpointError } from '../errors.ts';
import { PyDict, PySize, PyTuple, StoredTensor, type PyKey, type PyValue } from '../values.ts';
import { pythonFloatRepr } from './python-repr.ts';

export interface Leaves {
  readonly tensors: [string, StoredTensor][];
  /** Non-tensor leaves, including empty containers. */
  readonly values: [string, PyValue][];
}

export interface FlattenLimits {
  /** Most leaves (paths) reported. */
  readonly maxLeaves: number;
  /** Most characters of all reported paths together. */
  readonly maxPathChars: number;
}

/** Far above any honest checkpoint (a million keys), far below what exhausts memory or patience. */
export const defaultFlattenLimits: FlattenLimits = { maxLeaves: 1 << 20, maxPathChars: 1 << 26 };

const maxDepth = 1000;

export function flatten(root: PyValue, limits: FlattenLimits = defaultFlattenLimits): Leaves {
  const size = new PathCounter().measure(root, 0, '');
  if (size.leaves > limits.maxLeaves) {
    throw new CheckpointError(
      'limit-exceeded',
      `the checkpoint has ${size.leaves} leaf paths (shared containers count once per path); the limit is ${limits.maxLeaves}`,
    );
  }
  if (size.chars > limits.maxPathChars) {
    throw new CheckpointError(
      'limit-exceeded',
      `the checkpoint's leaf paths total ${size.chars} characters; the limit is ${limits.maxPathChars}`,
    );
  }
  const leaves: Leaves = { tensors: [], values: [] };
  walk(root, '', leaves);
  return leaves;
}

function walk(value: PyValue, path: string, leaves: Leaves): void {
  const join = (key: string) => (path === '' ? key : `${path}.${key}`);
  // Plain loops, not `childrenOf`'s generators: this runs once per reported path.
  if (value instanceof PyDict && value.size > 0) {
    for (const [key, item] of value) walk(item, join(keyText(key)), leaves);
  } else if (isWalkedList(value)) {
    const items = value instanceof PyTuple ? value.items : (value as PyValue[]);
    for (let i = 0; i < items.length; i++) walk(items[i] as PyValue, join(String(i)), leaves);
  } else if (value instanceof StoredTensor) {
    leaves.tensors.push([path, value]);
  } else {
    leaves.values.push([path, value]);
  }
}

/** A non-empty list or tuple (torch.Size is a leaf). */
function isWalkedList(value: PyValue): boolean {
  if (value instanceof PySize) return false;
  if (value instanceof PyTuple) return value.items.length > 0;
  return Array.isArray(value) && value.length > 0;
}

interface PathSize {
  /** Leaves below (1 for a leaf). */
  readonly leaves: number;
  /** Characters of the paths below, relative to this node (0 for a leaf). */
  readonly chars: number;
}

/**
 * Leaves and path characters under each container, memoised by identity so that shared containers are
 * measured once. Counts are doubles: they may pass 2^53 only after passing every limit, which is all that
 * is asked of them.
 */
class PathCounter {
  private readonly sizes = new Map<object, PathSize>();

  measure(value: PyValue, depth: number, at: string): PathSize {
    const items = childrenOf(value);
    if (items === undefined) return { leaves: 1, chars: 0 };
    const known = this.sizes.get(value as object);
    if (known !== undefined) return known;
    if (depth > maxDepth) throw new CheckpointError('limit-exceeded', `nested deeper than ${maxDepth}`, at);
    let leaves = 0;
    let chars = 0;
    for (const [key, item] of items) {
      const below = this.measure(item, depth + 1, key);
      leaves += below.leaves;
      // Each path below gains this key and a dot.
      chars += below.chars + below.leaves * (key.length + 1);
    }
    const size = { leaves, chars };
    this.sizes.set(value as object, size);
    return size;
  }
}

/** The (key text, item) pairs of a non-empty container the walk descends into; undefined for leaves. */
function childrenOf(value: PyValue): Iterable<[string, PyValue]> | undefined {
  if (value instanceof PyDict) return value.size > 0 ? dictItems(value) : undefined;
  if (value instanceof PySize) return undefined;
  const items = value instanceof PyTuple ? value.items : Array.isArray(value) ? value : undefined;
  if (items === undefined || items.length === 0) return undefined;
  return listItems(items);
}

function* dictItems(dict: PyDict): Iterable<[string, PyValue]> {
  for (const [key, item] of dict) yield [keyText(key), item];
}

function* listItems(items: readonly PyValue[]): Iterable<[string, PyValue]> {
  for (let i = 0; i < items.length; i++) yield [String(i), items[i] as PyValue];
}

/** Longest dict key text; a tuple key can be a DAG too, whose text doubles with each level. */
const maxKeyChars = 1 << 20;

/** `str(key)` as Python prints a dict key. */
export function keyText(key: PyKey): string {
  if (key instanceof PyTuple && tupleTextLength(key) > maxKeyChars) {
    throw new CheckpointError(
      'limit-exceeded',
      `a tuple dict key prints longer than ${maxKeyChars} characters`,
    );
  }
  return scalarOrTupleText(key);
}

function scalarOrTupleText(key: PyKey): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'bigint') return key.toString();
  if (typeof key === 'number') return pythonFloatRepr(key);
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (key === null) return 'None';
  const parts = key.items.map((k) => (typeof k === 'string' ? `'${k}'` : scalarOrTupleText(k as PyKey)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** Characters `scalarOrTupleText` would print, memoised per tuple (no text is built). */
const tupleLengths = new WeakMap<PyTuple, number>();

function tupleTextLength(tuple: PyTuple): number {
  const known = tupleLengths.get(tuple);
  if (known !== undefined) return known;
  let length = 2 + Math.max(0, 2 * (tuple.items.length - 1)) + (tuple.items.length === 1 ? 1 : 0);
  for (const item of tuple.items) {
    length +=
      item instanceof PyTuple
        ? tupleTextLength(item)
        : typeof item === 'string'
          ? item.length + 2
          : scalarOrTupleText(item as PyKey).length;
  }
  tupleLengths.set(tuple, length);
  return length;
}
