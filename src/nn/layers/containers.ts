/**
 * torch.nn.ModuleDict and ModuleList: children under their names ('wte', 'h') or indices ('0', '1', ...),
 * so state_dict keys read `transformer.h.0.attn.c_attn.weight` as torch's. Neither is callable, as in torch.
 */
import type { Tensor } from '../../tensor/index.ts';
import { Module } from '../module.ts';

export class ModuleDict extends Module {
  readonly typeName = 'ModuleDict';

  constructor(entries: Iterable<[string, Module]>) {
    super();
    for (const [name, m] of entries) this.registerModule(name, m);
  }

  get(name: string): Module {
    const m = [...this.namedChildren()].find(([n]) => n === name)?.[1];
    if (m === undefined) throw new RangeError(`ModuleDict has no module '${name}'`);
    return m;
  }

  forward(..._inputs: Tensor[]): Tensor {
    throw new Error('ModuleDict is not callable: call its modules');
  }
}

export class ModuleList<M extends Module = Module> extends Module {
  readonly typeName = 'ModuleList';
  readonly items: readonly M[];

  constructor(items: readonly M[]) {
    super();
    this.items = [...items];
    this.items.forEach((m, i) => this.registerModule(String(i), m));
  }

  forward(..._inputs: Tensor[]): Tensor {
    throw new Error('ModuleList is not callable: call its modules');
  }
}
