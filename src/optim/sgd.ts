/** torch.optim.SGD (torch 2.6, single-tensor path): momentum, dampening, nesterov, weight decay, maximize. */
import type { PyDict } from '../checkpoint/values.ts';
import { type PyValue, StoredTensor } from '../checkpoint/values.ts';
import { storedToHost } from '../nn/state-dict.ts';
import { type Tensor, formatSize, fromHost, zeros } from '../tensor/index.ts';
import { type ParamGroup, type ParamGroupInit, Optimizer } from './optimizer.ts';
import { OptimizerStateError, intOrFloat, pyBool, pyNumber, tensorToPy } from './py.ts';

export interface SgdOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export interface SgdState {
  momentumBuffer: Tensor;
}

export class SGD extends Optimizer<SgdOptions, SgdState> {
  constructor(
    params: Iterable<Tensor> | readonly ParamGroupInit<SgdOptions>[],
    options: Partial<SgdOptions> = {},
  ) {
    super(params, {
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      ...options,
    });
    for (const g of this.paramGroups) validate(g);
  }

  step(): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        const be = p.backend;
        let buf: Tensor | null = null;
        let firstStep = false;
        if (group.momentum !== 0) {
          const st = this.state.get(p);
          firstStep = st === undefined;
          buf = st?.momentumBuffer ?? newBuffer(p);
          if (firstStep) this.state.set(p, { momentumBuffer: buf });
        }
        be.sgdStep(p.buffer, p.grad.buffer, buf?.buffer ?? null, p.numel, {
          lr: group.lr,
          momentum: group.momentum,
          dampening: group.dampening,
          weightDecay: group.weightDecay,
          nesterov: group.nesterov,
          maximize: group.maximize,
          firstStep,
        });
      }
    }
  }

  protected groupToPy(g: ParamGroup<SgdOptions>): [string, PyValue][] {
    return [
      ['lr', g.lr],
      ['momentum', intOrFloat(g.momentum)],
      ['dampening', intOrFloat(g.dampening)],
      ['weight_decay', intOrFloat(g.weightDecay)],
      ['nesterov', g.nesterov],
      ['maximize', g.maximize],
      ['foreach', null],
      ['differentiable', false],
      ['fused', null],
    ];
  }

  protected groupFromPy(saved: PyDict): SgdOptions {
    const options = {
      lr: pyNumber(saved.get('lr'), 'lr'),
      momentum: pyNumber(saved.get('momentum'), 'momentum'),
      dampening: pyNumber(saved.get('dampening'), 'dampening'),
      weightDecay: pyNumber(saved.get('weight_decay'), 'weight_decay'),
      nesterov: pyBool(saved.get('nesterov'), 'nesterov'),
      maximize: saved.has('maximize') ? pyBool(saved.get('maximize'), 'maximize') : false,
    };
    validate(options);
    return options;
  }

  protected async stateToPy(s: SgdState): Promise<[string, PyValue][]> {
    return [['momentum_buffer', await tensorToPy(s.momentumBuffer)]];
  }

  /** torch 1.13 saved `{'momentum_buffer': None}`: no buffer yet, which is also what this returns. */
  protected stateFromPy(saved: PyDict, param: Tensor): SgdState | null {
    const buf = saved.get('momentum_buffer');
    if (buf === null || buf === undefined) return null;
    return { momentumBuffer: stateTensor(buf, param, 'momentum_buffer') };
  }
}

function validate(o: SgdOptions): void {
  if (!(o.lr >= 0)) throw new RangeError(`Invalid learning rate: ${o.lr}`);
  if (!(o.momentum >= 0)) throw new RangeError(`Invalid momentum value: ${o.momentum}`);
  if (!(o.weightDecay >= 0)) throw new RangeError(`Invalid weight_decay value: ${o.weightDecay}`);
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
  }
}

/** A fresh buffer of p's shape on p's backend (the first step overwrites it with the gradient). */
function newBuffer(p: Tensor): Tensor {
  return zeros(p.shape, { backend: p.backend });
}

/** A saved state tensor, checked against its parameter's shape, as a float32 tensor on its backend. */
export function stateTensor(v: PyValue, param: Tensor, what: string): Tensor {
  if (!(v instanceof StoredTensor))
    throw new OptimizerStateError(`optimizer state: ${what} should be a tensor`);
  if (v.shape.length !== param.ndim || v.shape.some((d, i) => d !== param.shape[i])) {
    throw new OptimizerStateError(
      `optimizer state: ${what} has shape ${formatSize(v.shape)} but its parameter has ${formatSize(param.shape)}`,
    );
  }
  const host = storedToHost(v);
  const data = host instanceof Float32Array ? host : Float32Array.from(host);
  return fromHost(data, param.shape, { backend: param.backend });
}
