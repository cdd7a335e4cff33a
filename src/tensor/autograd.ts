/**
 * Reverse-mode autograd over the op table: a node per op output that needs a gradient, a topological
 * walk from the root, gradients summed where a tensor feeds several ops, and leaf gradients handed to the
 * caller (Tensor accumulates them into `.grad`, as torch's AccumulateGrad does).
 */
import type { Backend, DeviceBuffer, Shape } from './backend.ts';
import type { OpContext, OpDef } from './ops.ts';

/** What autograd needs to know of a tensor; Tensor implements it. */
export interface GraphTensor {
  readonly node: Node<GraphTensor> | null;
  readonly requiresGrad: boolean;
  readonly shape: Shape;
}

export interface Node<T extends GraphTensor> {
  readonly op: OpDef<unknown, unknown>;
  readonly inputs: readonly T[];
  readonly ctx: OpContext<unknown, unknown>;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * torch.no_grad(): ops run inside `fn` record no graph. Synchronous only: an async fn would leave the
 * mode restored before its awaits resume.
 */
export function noGrad<R>(fn: () => R): R {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Tensors reachable from root through nodes, every tensor after all the tensors computed from it. */
function reverseTopological<T extends GraphTensor>(root: T): T[] {
  const order: T[] = [];
  const seen = new Set<T>([root]);
  // Iterative post-order DFS: deep graphs (long unrolled loops) must not overflow the call stack.
  const stack: { t: T; next: number }[] = [{ t: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { t: T; next: number };
    const inputs = (top.t.node?.inputs ?? []) as readonly T[];
    if (top.next < inputs.length) {
      const child = inputs[top.next++] as T;
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push({ t: child, next: 0 });
      }
    } else {
      order.push(top.t);
      stack.pop();
    }
  }
  return order.reverse();
}

/**
 * Propagates `seed` (d root / d root, root's shape) to every leaf that requires a gradient and calls
 * `accumulate(leaf, grad)` once per leaf, in reverse topological order.
 */
export function backward<T extends GraphTensor>(
  be: Backend,
  root: T,
  seed: DeviceBuffer,
  accumulate: (leaf: T, grad: DeviceBuffer) => void,
): void {
  const grads = new Map<T, DeviceBuffer>([[root, seed]]);
  for (const t of reverseTopological(root)) {
    const g = grads.get(t);
    if (g === undefined) continue;
    grads.delete(t); // free it as soon as it is used
    const node = t.node;
    if (node === null) {
      accumulate(t, g);
      continue;
    }
    const inputGrads = node.op.backward(be, g, node.ctx);
    node.inputs.forEach((input, i) => {
      const gi = inputGrads[i];
      if (!input.requiresGrad || gi === null || gi === undefined) return;
      const x = input as T;
      const prev = grads.get(x);
      grads.set(x, prev === undefined ? gi : be.binary('add', prev, x.shape, gi, x.shape));
    });
  }
}
