/**
 * A check on the finished value: no container holds itself (a pickle can build cycles through the memo),
 * and no chain of containers is deeper than `maxDepth`. Consumers of the value (writers, deep equality, UI
 * trees) may recurse, so the reader guarantees they can. Iterative, linear in the number of containers:
 * shared containers are measured once.
 */
import { CheckpointError } from '../errors.ts';
import { PyDict, PyObject, PySet, PyTuple, type PyValue } from '../values.ts';
import { PyGlobal } from './refs.ts';

interface Frame {
  readonly node: object;
  readonly children: readonly PyValue[];
  next: number;
  /** Tallest child height seen so far. */
  tallest: number;
}

export function checkNesting(root: PyValue, maxDepth: number, at: string): void {
  const heights = new Map<object, number>();
  const onPath = new Set<object>();
  const path: Frame[] = [];
  let lastHeight = 0;

  const visit = (value: PyValue): void => {
    const children = childrenOf(value);
    if (children === undefined) {
      lastHeight = 0;
      return;
    }
    const node = value as object;
    const known = heights.get(node);
    if (known !== undefined) {
      if (path.length + known > maxDepth) tooDeep(maxDepth, at);
      lastHeight = known;
      return;
    }
    if (onPath.has(node)) {
      throw new CheckpointError('pickle-malformed', 'a container holds itself (cyclic reference)', at);
    }
    if (path.length + 1 > maxDepth) tooDeep(maxDepth, at);
    onPath.add(node);
    path.push({ node, children, next: 0, tallest: 0 });
    lastHeight = -1; // entered, not finished
  };

  visit(root);
  while (path.length > 0) {
    const frame = path[path.length - 1] as Frame;
    if (lastHeight >= 0) frame.tallest = Math.max(frame.tallest, lastHeight);
    if (frame.next < frame.children.length) {
      visit(frame.children[frame.next++] as PyValue);
      continue;
    }
    path.pop();
    onPath.delete(frame.node);
    lastHeight = frame.tallest + 1;
    heights.set(frame.node, lastHeight);
  }
}

function tooDeep(maxDepth: number, at: string): never {
  throw new CheckpointError('limit-exceeded', `containers nested deeper than ${maxDepth}`, at);
}

/** The values a container holds, or undefined for leaves (scalars, tensors, dtypes, class references). */
function childrenOf(value: PyValue): readonly PyValue[] | undefined {
  if (Array.isArray(value)) return value;
  if (value instanceof PyTuple) return value.items;
  if (value instanceof PySet) return value.items;
  if (value instanceof PyDict) {
    const children: PyValue[] = [];
    for (const [key, item] of value) {
      if (key instanceof PyTuple) children.push(key);
      children.push(item);
    }
    // A loop, not `push(...)`: a BUILD may set hundreds of thousands of attributes, past the argument limit.
    for (const attribute of value.attributes?.values() ?? []) children.push(attribute);
    return children;
  }
  if (value instanceof PyObject && !(value instanceof PyGlobal)) return [...value.args, value.state];
  return undefined;
}
