/**
 * Training-step helpers for the whole-model tests and the step-rate measurement: the MLP and CNN specs,
 * one training step (forward, cross-entropy, backward, optimizer step) and `trainingStepRate`, which times
 * steps each synchronised by reading its loss.
 *
 * Measure with `npx tsx test/gpu/step-rate-run.ts [seconds]` (plain Node, no test runner: it asserts nothing).
 */
import { type ModuleSpec, buildModule } from '../../src/nn/index.ts';
import type { Module } from '../../src/nn/module.ts';
import { Adam, SGD } from '../../src/optim/index.ts';
import type { Backend } from '../../src/tensor/backend.ts';
import { F, Generator, type Tensor, fromHost } from '../../src/tensor/index.ts';

export const MLP_784: ModuleSpec = {
  type: 'Sequential',
  layers: [
    { type: 'Linear', in_features: 784, out_features: 128 },
    { type: 'ReLU' },
    { type: 'Linear', in_features: 128, out_features: 10 },
  ],
};

/** conv 1->8 3x3, ReLU, maxpool 2, conv 8->16 3x3, ReLU, maxpool 2, flatten, linear -> 10, on 28x28. */
export const CNN_28: ModuleSpec = {
  type: 'Sequential',
  layers: [
    { type: 'Conv2d', in_channels: 1, out_channels: 8, kernel_size: 3 },
    { type: 'ReLU' },
    { type: 'MaxPool2d', kernel_size: 2 },
    { type: 'Conv2d', in_channels: 8, out_channels: 16, kernel_size: 3 },
    { type: 'ReLU' },
    { type: 'MaxPool2d', kernel_size: 2 },
    { type: 'Flatten' },
    { type: 'Linear', in_features: 16 * 5 * 5, out_features: 10 },
  ],
};

export interface Batch {
  x: Float32Array;
  xShape: number[];
  y: Int32Array;
}

/** Seeded inputs in [-1, 1) and class ids in [0, classes). */
export function randomBatch(xShape: number[], classes: number, seed: number): Batch {
  const n = xShape.reduce((a, d) => a * d, 1);
  const gen = new Generator(seed);
  const y = Int32Array.from(gen.uniformArray(xShape[0]!, 0, classes), (u) =>
    Math.min(classes - 1, Math.floor(u)),
  );
  return { x: gen.uniformArray(n, -1, 1), xShape, y };
}

/** The model on `backend`, its weights drawn from a fixed seed (so every backend starts alike). */
export function buildOn(spec: ModuleSpec, backend: Backend, seed = 0): Module {
  return buildModule(spec, { backend, generator: new Generator(seed) });
}

export type OptimizerKind = 'sgd' | 'sgd-momentum' | 'adam';

export function makeOptimizer(kind: OptimizerKind, model: Module): SGD | Adam {
  const params = model.parameters();
  if (kind === 'adam') return new Adam(params, { lr: 1e-3 });
  return new SGD(params, { lr: 0.05, momentum: kind === 'sgd-momentum' ? 0.9 : 0 });
}

/** One training step; returns the loss tensor, unread (the caller decides when to synchronise). */
export function trainStep(model: Module, opt: SGD | Adam, batch: Batch, backend: Backend): Tensor {
  const x = fromHost(batch.x, batch.xShape, { backend });
  const y = fromHost(batch.y, [batch.y.length], { backend });
  opt.zeroGrad();
  const loss = F.crossEntropy(model.forward(x), y);
  loss.backward();
  opt.step();
  return loss;
}

export interface StepRate {
  model: 'mlp' | 'cnn';
  backend: string;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  lastLoss: number;
}

/** Times SGD training steps of the 784-128-10 MLP (batch 64) or the CNN (batch 32), each synchronised by
 * reading its loss, after two warm-up steps (pipeline compilation). */
export async function trainingStepRate(
  backend: Backend,
  model: 'mlp' | 'cnn',
  seconds: number,
): Promise<StepRate> {
  const net = buildOn(model === 'mlp' ? MLP_784 : CNN_28, backend);
  const opt = makeOptimizer('sgd', net);
  const batches = [0, 1, 2, 3].map((i) =>
    randomBatch(model === 'mlp' ? [64, 784] : [32, 1, 28, 28], 10, 100 + i),
  );
  let lastLoss = NaN;
  for (let i = 0; i < 2; i++) lastLoss = (await trainStep(net, opt, batches[i]!, backend).data())[0]!;
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || steps < 3) {
    lastLoss = (await trainStep(net, opt, batches[steps % batches.length]!, backend).data())[0]!;
    steps++;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { model, backend: backend.name, steps, seconds: elapsed, stepsPerSecond: steps / elapsed, lastLoss };
}
