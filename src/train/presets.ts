/**
 * The sandbox's model presets: architecture specs (DESIGN.md's JSON, torch.nn's names) for a dataset's
 * input and output sizes, and the GPT presets of the text dataset (nanoGPT's GPTConfig names, with the
 * batch size and learning rate each trains with). Plain data; the URL names a preset, `presetSpec` builds
 * its spec.
 */
import type { GPTConfig } from '../nn/gpt/config.ts';
import type { ModuleSpec } from '../nn/index.ts';

/** The presets of the tabular and image datasets. */
export const presetNames = ['linear', 'mlp', 'deep', 'cnn'] as const;
/** The presets of the text dataset: GPTs. */
export const gptPresetNames = ['gpt-tiny', 'gpt-baby'] as const;
export type GptPresetName = (typeof gptPresetNames)[number];
export type PresetName = (typeof presetNames)[number] | GptPresetName;
/** Every preset a URL may name. */
export const allPresetNames: readonly PresetName[] = [...presetNames, ...gptPresetNames];

export function isGptPreset(name: string): name is GptPresetName {
  return (gptPresetNames as readonly string[]).includes(name);
}

/** The model sizes of each GPT preset (the vocabulary is the corpus's), and how it trains. */
export const gptPresets: Readonly<
  Record<GptPresetName, { label: string; config: Omit<GPTConfig, 'vocab_size'>; batch: number; lr: number }>
> = {
  // Learns words in about a minute on a laptop's GPU.
  'gpt-tiny': {
    label: 'Tiny GPT: 2 layers, 2 heads, 64 wide, 32 characters of context',
    config: { n_layer: 2, n_head: 2, n_embd: 64, block_size: 32, dropout: 0, bias: true },
    batch: 16,
    lr: 3e-3,
  },
  // A smaller sibling of nanoGPT's "baby GPT" (shakespeare_char: 6 layers, 6 heads, 384 wide, 256 context).
  'gpt-baby': {
    label: 'Baby GPT: 4 layers, 4 heads, 128 wide, 64 characters of context',
    config: { n_layer: 4, n_head: 4, n_embd: 128, block_size: 64, dropout: 0, bias: true },
    batch: 16,
    lr: 1e-3,
  },
};

export const presetLabels: Record<PresetName, string> = {
  linear: 'Linear (no hidden layer)',
  mlp: 'MLP: one hidden layer of 16',
  deep: 'Deep MLP: three hidden layers of 32',
  cnn: 'Small CNN (images only)',
  'gpt-tiny': gptPresets['gpt-tiny'].label,
  'gpt-baby': gptPresets['gpt-baby'].label,
};

export interface PresetShape {
  /** Input features per row. */
  features: number;
  /** Model outputs: classes, or 1 for regression. */
  outputs: number;
  /** (channels, height, width) of image data: the CNN needs it; MLPs flatten it. */
  imageShape?: readonly [number, number, number];
}

/** A preset's spec; a GPT preset's vocabulary is `shape.outputs` (its `features` are ignored). */
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
    case 'gpt-tiny':
    case 'gpt-baby':
      return { type: 'GPT', vocab_size: shape.outputs, ...gptPresets[name].config };
  }
}
