/**
 * What the engine benchmark measures, shared by the page (pthlab and TF.js columns), the Node driver and
 * torch's script (passed on its command line): the rows, their sizes, and how long each cell may take.
 */
import type { ModuleSpec } from '../../src/nn/index.ts';

export const columns = ['pthlab-webgpu', 'tfjs-webgpu', 'tfjs-webgl', 'tfjs-wasm', 'torch-cpu'] as const;
export type Column = (typeof columns)[number];
/** The columns measured in the browser page (torch-cpu runs in Python). */
export type PageColumn = Exclude<Column, 'torch-cpu'>;

export const rowNames = [
  'matmul n=256',
  'matmul n=512',
  'matmul n=1024',
  'mlp steps/s',
  'cnn steps/s',
] as const;
export type RowName = (typeof rowNames)[number];
export type Unit = 'GFLOP/s' | 'steps/s';

export const matmulSizes: Readonly<Partial<Record<RowName, number>>> = {
  'matmul n=256': 256,
  'matmul n=512': 512,
  'matmul n=1024': 1024,
};

export function unitOf(row: RowName): Unit {
  return row in matmulSizes ? 'GFLOP/s' : 'steps/s';
}

/**
 * How long one cell is sampled: warm-up runs first (shader compiles, pools: up to `warmup` runs, but only
 * one when it takes half of `seconds`), then timed samples until `seconds` have passed with at least
 * `minSamples`, or `capSeconds` have passed with at least one.
 */
export interface CellBudget {
  warmup: number;
  seconds: number;
  minSamples: number;
  maxSamples: number;
  capSeconds: number;
}

export const defaultBudget: CellBudget = {
  warmup: 2,
  seconds: 4,
  minSamples: 3,
  maxSamples: 200,
  capSeconds: 12,
};

/** One measured cell: its value, or null with the reason. */
export interface Cell {
  value: number | null;
  samples?: number;
  note?: string;
}

export const SEED = 0;
export const LEARNING_RATE = 0.01;

/** MLP 784-128-10, ReLU, cross-entropy, batch 64, plain SGD. */
export const mlp = {
  batch: 64,
  input: [784] as const,
  classes: 10,
  spec: {
    type: 'Sequential',
    layers: [
      { type: 'Linear', in_features: 784, out_features: 128 },
      { type: 'ReLU' },
      { type: 'Linear', in_features: 128, out_features: 10 },
    ],
  } satisfies ModuleSpec,
};

/**
 * CNN on 28x28 single-channel images, no padding, batch 32, plain SGD:
 * (1,28,28) conv3 -> (8,26,26) pool2 -> (8,13,13) conv3 -> (16,11,11) pool2 -> (16,5,5) -> 400 -> 10.
 */
export const cnn = {
  batch: 32,
  input: [1, 28, 28] as const,
  classes: 10,
  spec: {
    type: 'Sequential',
    layers: [
      { type: 'Conv2d', in_channels: 1, out_channels: 8, kernel_size: 3 },
      { type: 'ReLU' },
      { type: 'MaxPool2d', kernel_size: 2 },
      { type: 'Conv2d', in_channels: 8, out_channels: 16, kernel_size: 3 },
      { type: 'ReLU' },
      { type: 'MaxPool2d', kernel_size: 2 },
      { type: 'Flatten' },
      { type: 'Linear', in_features: 400, out_features: 10 },
    ],
  } satisfies ModuleSpec,
};
