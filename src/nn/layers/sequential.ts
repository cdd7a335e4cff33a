import type { Tensor } from '../../tensor/index.ts';
import { Module } from '../module.ts';

/** torch.nn.Sequential: children named '0', '1', ... in order. */
export class Sequential extends Module {
  readonly typeName = 'Sequential';
  private readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }

  get length(): number {
    return this.layers.length;
  }

  at(i: number): Module | undefined {
    return this.layers.at(i);
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, m) => m.forward(h), x);
  }
}
