/**
 * Module: torch.nn.Module's bookkeeping. Parameters, buffers and children are kept in registration order,
 * so `stateDict()` yields torch's keys in torch's order: a module's parameters, then its persistent
 * buffers, then each child's entries under `<child>.`.
 */
import type { Tensor } from '../tensor/index.ts';
import { formatSize } from '../tensor/index.ts';

/** `_metadata` of a state_dict: per module prefix ('' for the root, 'fc', '0.1', ...), its `_version`. */
export type StateDictMetadata = Map<string, { version: number }>;

export interface LoadOptions {
  strict?: boolean;
  /** The checkpoint's `_metadata`, when it has one (BatchNorm before version 2 lacks num_batches_tracked). */
  metadata?: ReadonlyMap<string, { version?: number }>;
}

/** torch's `_IncompatibleKeys`. */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export class StateDictError extends Error {
  override readonly name = 'StateDictError';
}

export abstract class Module {
  training = true;
  private readonly params = new Map<string, Tensor | null>();
  private readonly buffers_ = new Map<string, Tensor | null>();
  private readonly nonPersistent = new Set<string>();
  private readonly children_ = new Map<string, Module>();

  /** torch's class name (`Linear`), as error messages and specs spell it. */
  abstract readonly typeName: string;

  /** torch's class attribute `_version`, written to `_metadata`. */
  get version(): number {
    return 1;
  }

  /** One or several inputs (attention: queries, keys, values; a GPT: ids and targets), one output. */
  abstract forward(...inputs: Tensor[]): Tensor;

  // ---- registration --------------------------------------------------------------------------------

  protected registerParameter(name: string, value: Tensor | null): void {
    if (value !== null && !value.requiresGrad) value.requiresGrad_();
    this.params.set(name, value);
  }

  protected registerBuffer(name: string, value: Tensor | null, persistent = true): void {
    this.buffers_.set(name, value);
    if (!persistent) this.nonPersistent.add(name);
  }

  protected registerModule(name: string, module: Module): void {
    this.children_.set(name, module);
  }

  protected param(name: string): Tensor | null {
    return this.params.get(name) ?? null;
  }

  protected buffer(name: string): Tensor | null {
    return this.buffers_.get(name) ?? null;
  }

  // ---- traversal -----------------------------------------------------------------------------------

  *namedChildren(): Generator<[string, Module]> {
    yield* this.children_;
  }

  children(): Module[] {
    return [...this.children_.values()];
  }

  /** This module and every descendant, pre-order, each with its dotted prefix ('' for this one). */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [name, child] of this.children_)
      yield* child.namedModules(prefix === '' ? name : `${prefix}.${name}`);
  }

  /** Parameters in state_dict order; a tensor shared by two modules appears once, as in torch. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.params) {
        if (p === null || seen.has(p)) continue;
        seen.add(p);
        out.push([join(prefix, name), p]);
      }
    }
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.buffers_) if (b !== null) out.push([join(prefix, name), b]);
    }
    return out;
  }

  // ---- modes and gradients -------------------------------------------------------------------------

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** torch 2.x `zero_grad()` (set_to_none=True): every parameter's `.grad` becomes null. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  // ---- state_dict ----------------------------------------------------------------------------------

  /** torch's `state_dict()`: detached tensors sharing the module's buffers, in torch's key order. */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of m.localState()) out.set(join(prefix, name), t.detach());
    }
    return out;
  }

  /** The `_metadata` torch attaches to a state_dict: every module's `_version`, pre-order. */
  stateDictMetadata(): StateDictMetadata {
    const out: StateDictMetadata = new Map();
    for (const [prefix, m] of this.namedModules()) out.set(prefix, { version: m.version });
    return out;
  }

  /**
   * torch's `load_state_dict(state_dict, strict)`, with its error messages word for word. One deviation:
   * everything is validated before anything is copied, so a failed load leaves the module unchanged (torch
   * copies the tensors that fit before it raises).
   */
  loadStateDict(stateDict: ReadonlyMap<string, Tensor>, opts: LoadOptions = {}): IncompatibleKeys {
    const strict = opts.strict ?? true;
    const missingKeys: string[] = [];
    const unexpectedKeys: string[] = [];
    const errors: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    const visit = (m: Module, local: Map<string, Tensor>, prefix: string): void => {
      const version = opts.metadata?.get(prefix.slice(0, -1))?.version;
      m.upgradeStateDict(local, prefix, version);
      const own = m.localState();
      for (const [name, target] of own) {
        const key = prefix + name;
        let source = local.get(key);
        if (source === undefined) {
          missingKeys.push(key);
          continue;
        }
        if (target.ndim === 0 && source.ndim === 1) source = source.reshape(); // pre-0.4 scalars
        if (
          source.shape.length !== target.shape.length ||
          source.shape.some((d, i) => d !== target.shape[i])
        ) {
          errors.push(
            `size mismatch for ${key}: copying a param with shape ${formatSize(source.shape)} from checkpoint, ` +
              `the shape in current model is ${formatSize(target.shape)}.`,
          );
          continue;
        }
        copies.push([target, source]);
      }
      for (const key of local.keys()) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        const dot = rest.indexOf('.');
        const known = dot >= 0 ? m.children_.has(rest.slice(0, dot)) : own.has(rest);
        if (!known) unexpectedKeys.push(key);
      }
      for (const [name, child] of m.children_) {
        const childPrefix = `${prefix}${name}.`;
        visit(child, new Map([...local].filter(([k]) => k.startsWith(childPrefix))), childPrefix);
      }
    };
    visit(this, new Map(stateDict), '');
    if (strict) {
      if (unexpectedKeys.length > 0)
        errors.unshift(`Unexpected key(s) in state_dict: ${quoted(unexpectedKeys)}. `);
      if (missingKeys.length > 0) errors.unshift(`Missing key(s) in state_dict: ${quoted(missingKeys)}. `);
    }
    if (errors.length > 0) {
      throw new StateDictError(
        `Error(s) in loading state_dict for ${this.typeName}:\n\t${errors.join('\n\t')}`,
      );
    }
    for (const [target, source] of copies) copyInto(target, source);
    this.afterLoad();
    return { missingKeys, unexpectedKeys };
  }

  /** torch's `_load_from_state_dict` hook: adjust this module's entries of an older checkpoint. */
  protected upgradeStateDict(
    _local: Map<string, Tensor>,
    _prefix: string,
    _version: number | undefined,
  ): void {}

  /** Called on every module after a successful load (host-side mirrors of loaded buffers). */
  protected afterLoadLocal(): void {}

  private afterLoad(): void {
    for (const [, m] of this.namedModules()) m.afterLoadLocal();
  }

  /** Non-null parameters, then persistent non-null buffers: what state_dict holds for this module alone. */
  private localState(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [name, p] of this.params) if (p !== null) out.set(name, p);
    for (const [name, b] of this.buffers_) if (b !== null && !this.nonPersistent.has(name)) out.set(name, b);
    return out;
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function quoted(keys: readonly string[]): string {
  return keys.map((k) => `"${k}"`).join(', ');
}

/** param.copy_(input): in place, keeping the target's buffer (optimizers hold it); converts dtype. */
function copyInto(target: Tensor, source: Tensor): void {
  const be = target.backend;
  if (source.backend === be && source.dtype === target.dtype) {
    if (source.buffer !== target.buffer) be.assign(target.buffer, source.buffer);
    return;
  }
  const data = source.dataSync();
  be.write(target.buffer, target.dtype === 'float32' ? Float32Array.from(data) : Int32Array.from(data));
}
