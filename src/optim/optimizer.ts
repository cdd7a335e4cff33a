/**
 * Optimizer: torch.optim.Optimizer's bookkeeping. Param groups hold hyperparameters (mutable, as a
 * scheduler changes `lr`); per-parameter state lives on the device beside the parameter. `stateDict()`
 * and `loadStateDict()` speak torch's layout (FORMAT.md §6) in the checkpoint value model:
 *   {'state': {0: {...}, 1: {...}}, 'param_groups': [{<hyperparameters in torch's order>, 'params': [0, 1]}]}
 * so torch's `optimizer.load_state_dict()` accepts what pthlab writes, and the other way round.
 */
import { PyDict, type PyValue } from '../checkpoint/values.ts';
import type { Tensor } from '../tensor/index.ts';
import { OptimizerStateError, pyDict } from './py.ts';

export type ParamGroup<H> = H & {
  params: Tensor[];
  /** Keys torch or a scheduler added that this optimizer does not use (`initial_lr`, `param_names`): kept. */
  extra: Map<string, PyValue>;
};

export type ParamGroupInit<H> = Partial<H> & { params: Iterable<Tensor> };

export abstract class Optimizer<H extends object, S> {
  readonly paramGroups: ParamGroup<H>[];
  /** Per-parameter state, created on a parameter's first step. */
  readonly state = new Map<Tensor, S>();
  /** Per group, the torch names of the options its constructor argument gave: torch lists them first. */
  private readonly givenKeys = new WeakMap<object, string[]>();

  constructor(params: Iterable<Tensor> | readonly ParamGroupInit<H>[], defaults: H) {
    const list = [...(params as Iterable<Tensor | ParamGroupInit<H>>)];
    const groups =
      list.length > 0 && !isTensorLike(list[0])
        ? (list as ParamGroupInit<H>[])
        : [{ params: list as Tensor[] } as unknown as ParamGroupInit<H>];
    this.paramGroups = groups.map((g) => {
      const { params, ...options } = g;
      const group = { ...defaults, ...options, params: [...params], extra: new Map() } as ParamGroup<H>;
      this.givenKeys.set(group, Object.keys(options).map(torchName));
      return group;
    });
    const all = this.paramGroups.flatMap((g) => g.params);
    if (all.length === 0) throw new OptimizerStateError('optimizer got an empty parameter list');
    if (new Set(all).size !== all.length)
      throw new OptimizerStateError('some parameters appear in more than one parameter group');
  }

  /** One update of every parameter that has a gradient. Records device work only; reads nothing back. */
  abstract step(): void;

  /** torch 2.x `zero_grad()` (set_to_none=True). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** Hyperparameters of a group in torch's key order, `params` excluded (it is appended last). */
  protected abstract groupToPy(group: ParamGroup<H>): [string, PyValue][];
  /** Reads a saved group's hyperparameters (validating them); must not mutate anything. */
  protected abstract groupFromPy(saved: PyDict): H;
  protected abstract stateToPy(state: S): Promise<[string, PyValue][]>;
  /** Reads one parameter's saved state (validating shapes), null for none; must not mutate anything. */
  protected abstract stateFromPy(saved: PyDict, param: Tensor): S | null;

  async stateDict(): Promise<PyDict> {
    const ids = new Map<Tensor, number>();
    for (const g of this.paramGroups) for (const p of g.params) ids.set(p, ids.size);
    const state = new PyDict('dict');
    for (const [p, s] of this.state) {
      const id = ids.get(p);
      if (id !== undefined) state.set(BigInt(id), new PyDict('dict', await this.stateToPy(s)));
    }
    const groups = this.paramGroups.map((g) => {
      // torch's add_param_group keeps the group's own keys and then setdefaults the rest, in that order.
      const given = this.givenKeys.get(g) ?? [];
      const own = this.groupToPy(g);
      const ordered = [
        ...given.flatMap((k) => own.filter(([name]) => name === k)),
        ...own.filter(([name]) => !given.includes(name)),
      ];
      const keys: [string, PyValue][] = [...ordered, ...g.extra];
      keys.push(['params', g.params.map((p) => BigInt(ids.get(p) as number))]);
      return new PyDict('dict', keys);
    });
    return new PyDict('dict', [
      ['state', state],
      ['param_groups', groups],
    ]);
  }

  /**
   * torch's `load_state_dict`: groups must match in number and size (its ValueError wording); saved
   * hyperparameters replace the current ones; state is matched to parameters by index. Everything is
   * validated before anything changes.
   */
  loadStateDict(saved: PyDict): void {
    const savedGroups = saved.get('param_groups');
    if (!Array.isArray(savedGroups))
      throw new OptimizerStateError("optimizer state_dict has no 'param_groups' list");
    if (savedGroups.length !== this.paramGroups.length) {
      throw new OptimizerStateError('loaded state dict has a different number of parameter groups');
    }
    const byId = new Map<bigint, Tensor>();
    const newGroups = savedGroups.map((raw, gi) => {
      const group = pyDict(raw, 'a param group');
      const ids = group.get('params');
      const current = this.paramGroups[gi] as ParamGroup<H>;
      if (!Array.isArray(ids) || ids.length !== current.params.length) {
        throw new OptimizerStateError(
          "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
        );
      }
      ids.forEach((id, i) => {
        if (typeof id !== 'bigint' && typeof id !== 'number')
          throw new OptimizerStateError('param ids must be ints');
        byId.set(BigInt(id), current.params[i] as Tensor);
      });
      const known = new Set(this.groupToPy(current).map(([k]) => k));
      const extra = new Map<string, PyValue>();
      for (const [k, v] of group)
        if (typeof k === 'string' && k !== 'params' && !known.has(k)) extra.set(k, v);
      return { options: this.groupFromPy(group), extra };
    });
    const newState = new Map<Tensor, S>();
    for (const [id, value] of pyDict(saved.get('state') ?? new PyDict(), "'state'")) {
      const param = typeof id === 'bigint' || typeof id === 'number' ? byId.get(BigInt(id)) : undefined;
      if (param === undefined)
        throw new OptimizerStateError(`optimizer state for unknown parameter index ${String(id)}`);
      const state = this.stateFromPy(pyDict(value, `state ${String(id)}`), param);
      if (state !== null) newState.set(param, state);
    }
    // Everything is valid: apply.
    newGroups.forEach(({ options, extra }, gi) => {
      const group = this.paramGroups[gi] as ParamGroup<H>;
      Object.assign(group, options);
      group.extra = extra;
    });
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
  }
}

/** weightDecay -> weight_decay: the torch name of an option. */
function torchName(option: string): string {
  return option.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isTensorLike(x: unknown): boolean {
  return typeof x === 'object' && x !== null && 'buffer' in x && 'shape' in x;
}
