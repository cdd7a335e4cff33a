/**
 * Tensor: a contiguous buffer on a backend, its shape and dtype, and (when it needs a gradient) the node
 * that made it. Methods carry torch's names and semantics; each differentiable one goes through `apply`
 * and the op table. Deviations from torch:
 * - memory is contiguous: `reshape`/`view` share the buffer; `permute`/`transpose` are views with torch's
 *   strides whose copy is made only when an op needs contiguous memory (matmul reads a transposed pair of
 *   last dims in place; see ViewOperand in op-def.ts);
 * - 'int64' tensors hold int32 values (see backend.ts DType);
 * - `.grad` accumulates out of place (a new tensor each backward), never written in place.
 */
import { backward, isGradEnabled, type Node } from './autograd.ts';
import type { Backend, DType, DeviceBuffer, HostArray, Shape } from './backend.ts';
import { cpu } from './cpu/backend.ts';
import { ViewOperand, type PermutedView } from './op-def.ts';
import { ops, type OpDef, type Operand } from './ops.ts';
import { defaultGenerator, type Generator } from './random.ts';
import {
  broadcastShapes,
  contiguousStrides,
  formatSize,
  inferShape,
  normalizeDim,
  normalizeDims,
  sizeOf,
} from './shape.ts';

let currentBackend: Backend = cpu;

/** The backend new tensors go to when none is named (the CPU one until set). */
export function defaultBackend(): Backend {
  return currentBackend;
}

export function setDefaultBackend(be: Backend): void {
  currentBackend = be;
}

export class Tensor {
  /** The gradient accumulated by backward() (leaves only), or null; zeroGrad sets it back to null. */
  grad: Tensor | null = null;
  private requires: boolean;

  constructor(
    /** The device memory (shared with views made by reshape), or a permuted view of another's. */
    private readonly memory: DeviceBuffer | ViewOperand,
    readonly shape: Shape,
    readonly dtype: DType,
    readonly backend: Backend,
    /** The op that made this tensor, when it needs a gradient; null for leaves. */
    readonly node: Node<Tensor> | null = null,
    requiresGrad = false,
  ) {
    this.requires = requiresGrad;
  }

  get requiresGrad(): boolean {
    return this.requires;
  }

  /** torch's `requires_grad_()`: only leaves may change it. */
  requiresGrad_(flag = true): this {
    if (this.node !== null) throw new Error('you can only change requires_grad flags of leaf variables.');
    if (flag && this.dtype !== 'float32') {
      throw new Error('only Tensors of floating point dtype can require gradients');
    }
    this.requires = flag;
    return this;
  }

  get isLeaf(): boolean {
    return this.node === null;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get numel(): number {
    return sizeOf(this.shape);
  }

  /** The elements in C order: for a permuted view, its copy, made on first use (see the file comment). */
  get buffer(): DeviceBuffer {
    return this.memory instanceof ViewOperand ? this.memory.buf : this.memory;
  }

  /** What an op reads: the buffer, or the view an op may read in place. */
  get operand(): Operand {
    return this.memory instanceof ViewOperand
      ? this.memory
      : { buf: this.memory, shape: this.shape, dtype: this.dtype };
  }

  /** The permutation this tensor is a view of, if any. */
  get permutedView(): PermutedView | undefined {
    return this.memory instanceof ViewOperand ? this.memory.view : undefined;
  }

  /** torch's `stride()`: contiguous, or a permuted view's (its base's strides, permuted). */
  get strides(): number[] {
    const view = this.permutedView;
    if (view === undefined) return contiguousStrides(this.shape);
    const base = contiguousStrides(view.baseShape);
    return view.perm.map((p) => base[p] as number);
  }

  /** torch's `is_contiguous()` (dims of size 1 may have any stride). */
  isContiguous(): boolean {
    const want = contiguousStrides(this.shape);
    return this.strides.every((s, i) => this.shape[i] === 1 || s === want[i]);
  }

  /** torch's `contiguous()`: this tensor when contiguous, else its copy in C order (in the graph). */
  contiguous(): Tensor {
    return this.isContiguous() ? this : this.reshape(...this.shape);
  }

  get device(): string {
    return this.backend.name;
  }

  size(dim: number): number {
    return this.shape[normalizeDim(dim, this.ndim)] as number;
  }

  toString(): string {
    return `Tensor(${formatSize(this.shape)}, dtype=${this.dtype}, device=${this.device})`;
  }

  // ---- host access -------------------------------------------------------------------------------

  /** A host copy of the elements in C order (ends the GPU step's recording). */
  data(): Promise<HostArray> {
    return this.backend.read(this.buffer, this.dtype);
  }

  /** A host copy, synchronously: only on a backend with readSync (the CPU one). */
  dataSync(): HostArray {
    if (this.backend.readSync === undefined) throw new Error(`${this.backend.name}: use await tensor.data()`);
    return this.backend.readSync(this.buffer, this.dtype);
  }

  /** torch's `item()`: the one element, synchronously (CPU); `await t.data()` on the GPU. */
  item(): number {
    if (this.numel !== 1)
      throw new RangeError(`a Tensor with ${this.numel} elements cannot be converted to Scalar`);
    return this.dataSync()[0] as number;
  }

  // ---- autograd ----------------------------------------------------------------------------------

  /** Same buffer, no graph, no gradient. */
  detach(): Tensor {
    return new Tensor(this.memory, this.shape, this.dtype, this.backend);
  }

  /** torch's `backward(gradient=None)`: a scalar root seeds 1; accumulates into leaves' `.grad`. */
  backward(gradient?: Tensor): void {
    if (!this.requiresGrad) {
      throw new Error('element 0 of tensors does not require grad and does not have a grad_fn');
    }
    if (gradient === undefined && this.numel !== 1)
      throw new Error('grad can be implicitly created only for scalar outputs');
    const seed = gradient?.buffer ?? this.backend.full(1, 1, 'float32');
    backward(this.backend, this as Tensor, seed, (leaf, g) => {
      const grad = new Tensor(g, leaf.shape, 'float32', leaf.backend);
      leaf.grad = leaf.grad === null ? grad : leaf.grad.detach().add(grad).detach();
    });
  }

  // ---- elementwise ---------------------------------------------------------------------------------

  add(other: Tensor | number): Tensor {
    return apply(ops.add, [this, this.lift(other)], null);
  }
  sub(other: Tensor | number): Tensor {
    return apply(ops.sub, [this, this.lift(other)], null);
  }
  mul(other: Tensor | number): Tensor {
    return apply(ops.mul, [this, this.lift(other)], null);
  }
  div(other: Tensor | number): Tensor {
    return apply(ops.div, [this, this.lift(other)], null);
  }
  /** other - this: for `1 - x` written as x.rsub(1). */
  rsub(other: Tensor | number): Tensor {
    return apply(ops.sub, [this.lift(other), this], null);
  }
  neg(): Tensor {
    return apply(ops.neg, [this], null);
  }
  exp(): Tensor {
    return apply(ops.exp, [this], null);
  }
  log(): Tensor {
    return apply(ops.log, [this], null);
  }
  sqrt(): Tensor {
    return apply(ops.sqrt, [this], null);
  }
  relu(): Tensor {
    return apply(ops.relu, [this], null);
  }
  tanh(): Tensor {
    return apply(ops.tanh, [this], null);
  }
  sigmoid(): Tensor {
    return apply(ops.sigmoid, [this], null);
  }
  erf(): Tensor {
    return apply(ops.erf, [this], null);
  }
  square(): Tensor {
    return this.mul(this);
  }

  /** Comparisons give float32 0/1 and no gradient (torch gives bool). */
  eq(other: Tensor | number): Tensor {
    return this.compare('eq', other);
  }
  gt(other: Tensor | number): Tensor {
    return this.compare('gt', other);
  }
  lt(other: Tensor | number): Tensor {
    return this.compare('lt', other);
  }

  private compare(op: 'eq' | 'gt' | 'lt', other: Tensor | number): Tensor {
    const o = this.lift(other);
    const buf = this.backend.binary(op, this.buffer, this.shape, o.buffer, o.shape);
    return new Tensor(buf, broadcastShapes(this.shape, o.shape), 'float32', this.backend);
  }

  /** A number becomes a 0-dim constant on this tensor's backend (broadcast by the binary op). */
  private lift(other: Tensor | number): Tensor {
    if (typeof other !== 'number') return other;
    return new Tensor(this.backend.full(1, other, 'float32'), [], 'float32', this.backend);
  }

  // ---- reductions ----------------------------------------------------------------------------------

  sum(dim?: number | readonly number[], keepdim = false): Tensor {
    return apply(ops.sum, [this], { dims: normalizeDims(dim, this.ndim), keepdim });
  }

  /** torch.amax: the gradient is shared evenly among tied maxima. */
  amax(dim?: number | readonly number[], keepdim = false): Tensor {
    return apply(ops.amax, [this], { dims: normalizeDims(dim, this.ndim), keepdim });
  }

  mean(dim?: number | readonly number[], keepdim = false): Tensor {
    const dims = normalizeDims(dim, this.ndim);
    const count = dims.reduce((a, d) => a * (this.shape[d] as number), 1);
    return this.sum(dims, keepdim).div(count);
  }

  /** torch.var with `correction` (1 = unbiased, torch's default; 0 = biased, as the norms use). */
  var(dim?: number | readonly number[], { correction = 1, keepdim = false } = {}): Tensor {
    const dims = normalizeDims(dim, this.ndim);
    const count = dims.reduce((a, d) => a * (this.shape[d] as number), 1);
    const centered = this.sub(this.mean(dims, true));
    return centered
      .square()
      .sum(dims, keepdim)
      .div(count - correction);
  }

  // ---- shape ---------------------------------------------------------------------------------------

  reshape(...shape: number[]): Tensor {
    return apply(ops.reshape, [this], { shape: inferShape(shape, this.numel) });
  }
  /** Same as reshape here (a permuted view is copied first, where torch's view would refuse it). */
  view(...shape: number[]): Tensor {
    return this.reshape(...shape);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    if (this.ndim === 0) return this.reshape(1);
    const s = normalizeDim(startDim, this.ndim);
    const e = normalizeDim(endDim, this.ndim);
    if (s > e) throw new RangeError('flatten() has invalid args: start_dim cannot come after end_dim');
    const middle = this.shape.slice(s, e + 1).reduce((a, d) => a * d, 1);
    return this.reshape(...this.shape.slice(0, s), middle, ...this.shape.slice(e + 1));
  }
  unsqueeze(dim: number): Tensor {
    const d = normalizeDim(dim, this.ndim + 1);
    return this.reshape(...this.shape.slice(0, d), 1, ...this.shape.slice(d));
  }
  squeeze(dim?: number): Tensor {
    const d = dim === undefined ? undefined : normalizeDim(dim, this.ndim);
    return this.reshape(...this.shape.filter((s, i) => s !== 1 || (d !== undefined && i !== d)));
  }
  permute(...perm: number[]): Tensor {
    const p = perm.map((d) => normalizeDim(d, this.ndim));
    if (new Set(p).size !== this.ndim || p.length !== this.ndim) throw new RangeError('permute: bad dims');
    return p.every((d, i) => d === i) ? this : apply(ops.permute, [this], { perm: p });
  }
  transpose(dim0: number, dim1: number): Tensor {
    const perm = this.shape.map((_, i) => i);
    const a = normalizeDim(dim0, this.ndim);
    const b = normalizeDim(dim1, this.ndim);
    [perm[a], perm[b]] = [b, a];
    return this.permute(...perm);
  }
  /** 2-D transpose. */
  t(): Tensor {
    return this.ndim < 2 ? this : this.transpose(0, 1);
  }
  expand(...shape: number[]): Tensor {
    const lead = shape.length - this.ndim;
    const target = shape.map((d, i) => (d === -1 ? (this.shape[i - lead] as number) : d));
    broadcastShapes(this.shape, target); // throws when not expandable
    return apply(ops.expand, [this], { shape: target });
  }

  /** torch.narrow: `length` entries of `dim` from `start` (a copy here: pad with negative amounts). */
  narrow(dim: number, start: number, length: number): Tensor {
    const d = normalizeDim(dim, this.ndim);
    const size = this.shape[d] as number;
    const s = start < 0 ? start + size : start;
    if (s < 0 || length < 0 || s + length > size)
      throw new RangeError(`start (${start}) + length (${length}) exceeds dimension size (${size}).`);
    const before = this.shape.map((_, i) => (i === d ? -s : 0));
    const after = this.shape.map((_, i) => (i === d ? s + length - size : 0));
    return apply(ops.pad, [this], { before, after });
  }

  /** torch.split: pieces of `sizes` entries along dim (the last one smaller), or of each given size. */
  split(sizes: number | readonly number[], dim = 0): Tensor[] {
    const d = normalizeDim(dim, this.ndim);
    const total = this.shape[d] as number;
    const list =
      typeof sizes === 'number'
        ? Array.from({ length: Math.max(1, Math.ceil(total / sizes)) }, (_, i) =>
            Math.min(sizes, total - i * sizes),
          )
        : sizes;
    if (list.reduce((a, v) => a + v, 0) !== total)
      throw new RangeError(`split_with_sizes expects split_sizes to sum exactly to ${total}`);
    let start = 0;
    return list.map((len) => this.narrow(d, (start += len) - len, len));
  }

  /** torch's masked_fill: `value` where mask != 0 (mask float32 0/1, broadcast to this shape). */
  maskedFill(mask: Tensor, value: number): Tensor {
    return apply(ops.where, [mask, this.lift(value), this], null);
  }

  // ---- linear algebra -----------------------------------------------------------------------------

  /** torch.matmul for operands of 2 or more dims: (..., m, k) @ (..., k, n), leading dims broadcast. */
  matmul(other: Tensor): Tensor {
    return apply(ops.matmul, [this, other], { transB: false });
  }
}

/** Runs one op of the table; records a node when grad mode is on and an input requires a gradient. */
export function apply<A, S>(op: OpDef<A, S>, inputs: readonly Tensor[], attrs: A): Tensor {
  const first = inputs[0];
  if (first === undefined) throw new RangeError(`${op.name}: no inputs`);
  const be = first.backend;
  for (const t of inputs) {
    if (t.backend !== be)
      throw new Error(`${op.name}: tensors on different devices (${be.name}, ${t.backend.name})`);
  }
  const operands: Operand[] = inputs.map((t) => t.operand);
  const { out, saved } = op.forward(be, operands, attrs);
  const needs = inputs.map((t) => t.requiresGrad);
  const requiresGrad = isGradEnabled() && needs.some(Boolean);
  const node: Node<Tensor> | null = requiresGrad
    ? { op: op as OpDef<unknown, unknown>, inputs, ctx: { inputs: operands, out, attrs, saved, needs } }
    : null;
  const memory = out instanceof ViewOperand ? out : out.buf;
  return new Tensor(memory, out.shape, out.dtype, be, node, requiresGrad);
}

// ---- factories ---------------------------------------------------------------------------------------

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  backend?: Backend;
}

/** torch.tensor from flat data and a shape (default: 1-D), or from a number (0-dim). */
export function tensor(data: ArrayLike<number> | number, shape?: Shape, opts: TensorOptions = {}): Tensor {
  const dtype = opts.dtype ?? 'float32';
  const flat = typeof data === 'number' ? [data] : data;
  const host = dtype === 'float32' ? Float32Array.from(flat) : Int32Array.from(flat);
  const s = shape ?? (typeof data === 'number' ? [] : [flat.length]);
  return fromHost(host, s, opts);
}

/** A tensor over a host array of exactly numel(shape) elements (copied to the backend). */
export function fromHost(host: HostArray, shape: Shape, opts: Omit<TensorOptions, 'dtype'> = {}): Tensor {
  if (host.length !== sizeOf(shape))
    throw new RangeError(`${host.length} values for shape ${formatSize(shape)}`);
  const be = opts.backend ?? currentBackend;
  const dtype: DType = host instanceof Float32Array ? 'float32' : 'int64';
  const t = new Tensor(be.upload(host), [...shape], dtype, be);
  return opts.requiresGrad === true ? t.requiresGrad_() : t;
}

export function full(shape: Shape, value: number, opts: TensorOptions = {}): Tensor {
  const be = opts.backend ?? currentBackend;
  const dtype = opts.dtype ?? 'float32';
  const t = new Tensor(be.full(sizeOf(shape), value, dtype), [...shape], dtype, be);
  return opts.requiresGrad === true ? t.requiresGrad_() : t;
}

export const zeros = (shape: Shape, opts: TensorOptions = {}): Tensor => full(shape, 0, opts);
export const ones = (shape: Shape, opts: TensorOptions = {}): Tensor => full(shape, 1, opts);

/** Standard normal samples from our generator (same distribution as torch.randn, not the same numbers). */
export function randn(shape: Shape, opts: TensorOptions & { generator?: Generator } = {}): Tensor {
  return fromHost((opts.generator ?? defaultGenerator).normalArray(sizeOf(shape), 0, 1), shape, opts);
}

/** Uniform [0, 1) samples, as torch.rand's distribution. */
export function rand(shape: Shape, opts: TensorOptions & { generator?: Generator } = {}): Tensor {
  return fromHost((opts.generator ?? defaultGenerator).uniformArray(sizeOf(shape), 0, 1), shape, opts);
}
