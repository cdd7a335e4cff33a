import { F, type Tensor } from '../../tensor/index.ts';
import { type InitOptions, linearInit } from '../init.ts';
import { Module } from '../module.ts';

/** torch.nn.Linear(in_features, out_features, bias=True): weight (out, in), bias (out). */
export class Linear extends Module {
  readonly typeName = 'Linear';

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    bias = true,
    opts: InitOptions = {},
  ) {
    super();
    const [w, b] = linearInit([outFeatures, inFeatures], bias, opts);
    this.registerParameter('weight', w);
    this.registerParameter('bias', b);
  }

  get weight(): Tensor {
    return this.param('weight') as Tensor;
  }

  get bias(): Tensor | null {
    return this.param('bias');
  }

  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias); // (..., in) -> (..., out)
  }
}
