/**
 * The sandbox's model presets: architecture specs (DESIGN.md's JSON, torch.nn's names) for a dataset's
 * input and output sizes. Plain data; the URL names a preset, `presetSpec` builds its spec.
 */
import type { ModuleSpec } from '../nn/index.ts';

export const presetNames = ['linear', 'mlp', 'deep', 'cnn'] as const;
export type PresetName = (typeof presetNames)[number];

export const presetLabels: Record<PresetName, string> = {
  linear: 'Linear (no hidden layer)',
  mlp: 'MLP: one hidden layer of 16',
  deep: 'Deep MLP: three hidden layers of 32',
  cnn: 'Small CNN (images only)',
};

export interface PresetShape {
  /** Input features per row. */
  features: number;
  /** Model outputs: classes, or 1 for regression. */
  outputs: number;
  /** (channels, height, width) of image data: the CNN needs it; MLPs flatten it. */
  imageShape?: readonly [number, number, number];
}

export function presetSpec(name: PresetName, shape: PresetShape): ModuleSpec {
  const flatten = shape.imageShape === undefined ? [] : [{ type: 'Flatten' }];
  const linear = (inFeatures: number, outFeatures: number) => ({
    type: 'Linear',
    in_features: inFeatures,
    out_features: outFeatures,
  });
  switch (name) {
    case 'linear':
      return { type: 'Sequential', layers: [...flatten, linear(shape.features, shape.outputs)] };
    case 'mlp':
      return {
        type: 'Sequential',
        layers: [...flatten, linear(shape.features, 16), { type: 'ReLU' }, linear(16, shape.outputs)],
      };
    case 'deep':
      return {
        type: 'Sequential',
        layers: [
          ...flatten,
          linear(shape.features, 32),
          { type: 'ReLU' },
          linear(32, 32),
          { type: 'ReLU' },
          linear(32, 32),
          { type: 'ReLU' },
          linear(32, shape.outputs),
        ],
      };
    case 'cnn': {
      if (shape.imageShape === undefined) throw new RangeError('the cnn preset needs image data (mnist)');
      const [c, h, w] = shape.imageShape;
      const pooled = Math.floor(Math.floor(h / 2) / 2) * Math.floor(Math.floor(w / 2) / 2);
      return {
        type: 'Sequential',
        layers: [
          { type: 'Conv2d', in_channels: c, out_channels: 8, kernel_size: 3, padding: 1 },
          { type: 'ReLU' },
          { type: 'MaxPool2d', kernel_size: 2 },
          { type: 'Conv2d', in_channels: 8, out_channels: 16, kernel_size: 3, padding: 1 },
          { type: 'ReLU' },
          { type: 'MaxPool2d', kernel_size: 2 },
          { type: 'Flatten' },
          linear(16 * pooled, shape.outputs),
        ],
      };
    }
  }
}
