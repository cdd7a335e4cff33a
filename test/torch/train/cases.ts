/** The training setups the parity and resume tests share: architecture, data shape, optimizer flags. */
import type { ModuleSpec } from '../../../src/nn/index.ts';

export interface TrainCase {
  name: string;
  arch: ModuleSpec;
  xShape: number[];
  classes: number;
  batch: number;
  optim: 'sgd' | 'adam' | 'adamw';
  lr: number;
  /** Extra `pthlab train` flags, and the same settings for the torch reference. */
  flags: string[];
  torch: Record<string, unknown>;
}

// 100 rows, batches of 16: the data wraps mid-batch at step 6 (rows 96..99, 0..11).
export const mlpAdam: TrainCase = {
  name: 'MLP with Adam',
  arch: {
    type: 'Sequential',
    layers: [
      { type: 'Linear', in_features: 4, out_features: 32 },
      { type: 'Tanh' },
      { type: 'Linear', in_features: 32, out_features: 32 },
      { type: 'ReLU' },
      { type: 'Linear', in_features: 32, out_features: 3 },
    ],
  },
  xShape: [100, 4],
  classes: 3,
  batch: 16,
  optim: 'adam',
  lr: 0.01,
  flags: ['--betas', '0.9,0.99'],
  torch: { betas: [0.9, 0.99] },
};

export const cnnSgd: TrainCase = {
  name: 'CNN with BatchNorm and SGD with momentum',
  arch: {
    type: 'Sequential',
    layers: [
      { type: 'Conv2d', in_channels: 1, out_channels: 4, kernel_size: 3, padding: 1 }, // (B, 4, 8, 8)
      { type: 'BatchNorm2d', num_features: 4 },
      { type: 'ReLU' },
      { type: 'MaxPool2d', kernel_size: 2 }, // (B, 4, 4, 4)
      { type: 'Flatten' }, // (B, 64)
      { type: 'Linear', in_features: 64, out_features: 3 },
    ],
  },
  xShape: [100, 1, 8, 8],
  classes: 3,
  batch: 16,
  optim: 'sgd',
  lr: 0.05,
  flags: ['--momentum', '0.9', '--weight-decay', '0.0001'],
  torch: { momentum: 0.9, weight_decay: 0.0001 },
};
