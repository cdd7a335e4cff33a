/** A `PredictFn` over a module: forward in eval mode without autograd, training mode restored after. */
import type { Module } from '../../nn/index.ts';
import { type Backend, fromHost, noGrad } from '../../tensor/index.ts';
import type { PredictFn } from './pth-decision-map.ts';

/** `features` inputs per row: 2 for the decision map's plane, 1 for a curve. */
export function modulePredict(module: () => Module, backend: Backend, features = 2): PredictFn {
  return async (inputs, count) => {
    const m = module();
    const training = m.training;
    m.eval();
    try {
      const output = noGrad(() => m.forward(fromHost(inputs, [count, features], { backend }))); // (count, outputs)
      return await output.data();
    } finally {
      m.train(training);
    }
  };
}
