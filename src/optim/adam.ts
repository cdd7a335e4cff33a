/**
 * torch.optim.Adam and AdamW (torch 2.6 single-tensor paths, the ones torch uses on CPU): bias
 * corrections on the host in float64 as Python computes them, the update on the device (Backend.adamStep).
 */
import { type PyDict, PyTuple, type PyValue } from '../checkpoint/values.ts';
import { type Tensor, zeros } from '../tensor/index.ts';
import { type ParamGroup, type ParamGroupInit, Optimizer } from './optimizer.ts';
import { OptimizerStateError, intOrFloat, pyBool, pyNumber, stepToPy, tensorToPy } from './py.ts';
import { stateTensor } from './sgd.ts';

export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

export interface AdamState {
  /** torch keeps a 0-dim float32 tensor; its value is mirrored here so no step reads the device. */
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
  maxExpAvgSq: Tensor | null;
}

abstract class AdamBase extends Optimizer<AdamOptions, AdamState> {
  protected abstract readonly decoupled: boolean;

  step(): void {
    for (const group of this.paramGroups) {
      const [beta1, beta2] = group.betas;
      for (const p of group.params) {
        if (p.grad === null) continue;
        let st = this.state.get(p);
        if (st === undefined) {
          st = { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p), maxExpAvgSq: null };
          this.state.set(p, st);
        }
        if (group.amsgrad && st.maxExpAvgSq === null) st.maxExpAvgSq = zerosLike(p);
        st.step = Math.fround(st.step + 1); // step_t += 1 on a float32 tensor
        const biasCorrection1 = 1 - beta1 ** st.step;
        const biasCorrection2 = 1 - beta2 ** st.step;
        p.backend.adamStep(
          p.buffer,
          p.grad.buffer,
          st.expAvg.buffer,
          st.expAvgSq.buffer,
          group.amsgrad ? (st.maxExpAvgSq as Tensor).buffer : null,
          p.numel,
          {
            lr: group.lr,
            beta1,
            beta2,
            eps: group.eps,
            weightDecay: group.weightDecay,
            decoupled: this.decoupled,
            maximize: group.maximize,
            stepSize: group.lr / biasCorrection1,
            biasCorrection2Sqrt: biasCorrection2 ** 0.5,
          },
        );
      }
    }
  }

  protected groupFromPy(saved: PyDict): AdamOptions {
    const betas = saved.get('betas');
    const pair = betas instanceof PyTuple ? betas.items : Array.isArray(betas) ? betas : null;
    if (pair === null || pair.length !== 2)
      throw new OptimizerStateError('optimizer state: betas should be a pair');
    const options: AdamOptions = {
      lr: pyNumber(saved.get('lr'), 'lr'),
      betas: [pyNumber(pair[0], 'betas[0]'), pyNumber(pair[1], 'betas[1]')],
      eps: pyNumber(saved.get('eps'), 'eps'),
      weightDecay: pyNumber(saved.get('weight_decay'), 'weight_decay'),
      amsgrad: pyBool(saved.get('amsgrad'), 'amsgrad'),
      maximize: saved.has('maximize') ? pyBool(saved.get('maximize'), 'maximize') : false,
    };
    validate(options);
    return options;
  }

  protected async stateToPy(s: AdamState): Promise<[string, PyValue][]> {
    const out: [string, PyValue][] = [
      ['step', stepToPy(s.step)],
      ['exp_avg', await tensorToPy(s.expAvg)],
      ['exp_avg_sq', await tensorToPy(s.expAvgSq)],
    ];
    if (s.maxExpAvgSq !== null) out.push(['max_exp_avg_sq', await tensorToPy(s.maxExpAvgSq)]);
    return out;
  }

  /** `step` may be a tensor (1.12+) or a Python number (older files), as torch's __setstate__ accepts. */
  protected stateFromPy(saved: PyDict, param: Tensor): AdamState {
    const max = saved.get('max_exp_avg_sq');
    return {
      step: Math.fround(pyNumber(saved.get('step'), 'step')),
      expAvg: stateTensor(saved.get('exp_avg') ?? null, param, 'exp_avg'),
      expAvgSq: stateTensor(saved.get('exp_avg_sq') ?? null, param, 'exp_avg_sq'),
      maxExpAvgSq: max === undefined || max === null ? null : stateTensor(max, param, 'max_exp_avg_sq'),
    };
  }
}

/** torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False). */
export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(
    params: Iterable<Tensor> | readonly ParamGroupInit<AdamOptions>[],
    options: Partial<AdamOptions> = {},
  ) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
      ...options,
    });
    for (const g of this.paramGroups) validate(g);
  }

  protected groupToPy(g: ParamGroup<AdamOptions>): [string, PyValue][] {
    return [
      ...common(g),
      ['maximize', g.maximize],
      ['foreach', null],
      ['capturable', false],
      ['differentiable', false],
      ['fused', null],
    ];
  }
}

/** torch.optim.AdamW: as Adam but decoupled decay, default weight_decay=1e-2; `foreach` precedes `maximize`. */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(
    params: Iterable<Tensor> | readonly ParamGroupInit<AdamOptions>[],
    options: Partial<AdamOptions> = {},
  ) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 1e-2,
      amsgrad: false,
      maximize: false,
      ...options,
    });
    for (const g of this.paramGroups) validate(g);
  }

  protected groupToPy(g: ParamGroup<AdamOptions>): [string, PyValue][] {
    return [
      ...common(g),
      ['foreach', null],
      ['maximize', g.maximize],
      ['capturable', false],
      ['differentiable', false],
      ['fused', null],
    ];
  }
}

function common(g: AdamOptions): [string, PyValue][] {
  return [
    ['lr', g.lr],
    ['betas', new PyTuple([g.betas[0], g.betas[1]])],
    ['eps', g.eps],
    ['weight_decay', intOrFloat(g.weightDecay)],
    ['amsgrad', g.amsgrad],
  ];
}

function validate(o: AdamOptions): void {
  if (!(o.lr >= 0)) throw new RangeError(`Invalid learning rate: ${o.lr}`);
  if (!(o.eps >= 0)) throw new RangeError(`Invalid epsilon value: ${o.eps}`);
  if (!(o.betas[0] >= 0 && o.betas[0] < 1))
    throw new RangeError(`Invalid beta parameter at index 0: ${o.betas[0]}`);
  if (!(o.betas[1] >= 0 && o.betas[1] < 1))
    throw new RangeError(`Invalid beta parameter at index 1: ${o.betas[1]}`);
  if (!(o.weightDecay >= 0)) throw new RangeError(`Invalid weight_decay value: ${o.weightDecay}`);
}

function zerosLike(p: Tensor): Tensor {
  return zeros(p.shape, { backend: p.backend });
}
