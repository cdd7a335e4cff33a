/**
 * What `<pth-network>` draws, as plain data computed from the architecture JSON and the weights (no DOM):
 * columns of units (inputs, each Linear's outputs, each Conv2d's channels, a non-Sequential model's blocks),
 * the weight matrix between neighbouring columns (a convolution's kernel summed to one number per pair of
 * channels), and for a 2-D input, every unit's activation over the plane (TensorFlow Playground's picture).
 */
import { gptConfig } from '../../nn/gpt/config.ts';
import type { ModuleSpec } from '../../nn/index.ts';

export interface NamedWeights {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface PictureColumn {
  /** "2 inputs", "Linear 16", "Conv2d 8 ch". */
  label: string;
  units: number;
  kind: 'input' | 'linear' | 'conv' | 'block';
  /** What follows it before the next column: "ReLU", "MaxPool2d", ... */
  after: string[];
}

export interface PictureEdges {
  /** Index of the column the edges leave; they enter column `from + 1`. */
  from: number;
  /** (to units, from units) row-major. */
  weight: Float32Array;
}

export interface NetworkPicture {
  columns: PictureColumn[];
  edges: PictureEdges[];
  /** A GPT (spec type "GPT"): drawn as its stack of blocks instead of columns. */
  gpt?: GptPicture;
}

/** A nanoGPT GPT as its parts, by GPTConfig's names, each with its size. */
export interface GptPicture {
  vocab: number;
  /** block_size: the longest context, in tokens. */
  context: number;
  width: number;
  heads: number;
  /** n_embd / n_head. */
  headSize: number;
  layers: number;
  /** The MLP's hidden width, 4·n_embd. */
  hidden: number;
  bias: boolean;
  /** Parameters counted once (lm_head shares wte's), as nanoGPT's get_num_params(non_embedding=False). */
  parameters: number;
}

const activations = new Set(['ReLU', 'Tanh', 'Sigmoid', 'GELU', 'LeakyReLU', 'ELU', 'SiLU', 'Softmax']);

export function describeNetwork(
  spec: ModuleSpec,
  inputShape: readonly number[],
  weights: readonly NamedWeights[],
): NetworkPicture {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const image = inputShape.length === 4;
  const columns: PictureColumn[] = [
    image
      ? {
          label: `input ${inputShape.slice(1).join('×')}`,
          units: inputShape[1] as number,
          kind: 'conv',
          after: [],
        }
      : {
          label: inputShape[1] === 1 ? '1 input' : `${inputShape[1]} inputs`,
          units: inputShape[1] as number,
          kind: 'input',
          after: [],
        },
  ];
  const edges: PictureEdges[] = [];
  if (spec.type === 'GPT') return { columns: [], edges, gpt: describeGpt(spec) };
  if (spec.type !== 'Sequential' || !Array.isArray(spec['layers'])) {
    const blocks = typeof spec['n_layer'] === 'number' ? spec['n_layer'] : 1;
    for (let b = 0; b < blocks; b++)
      columns.push({ label: `${spec.type} block ${b}`, units: 1, kind: 'block', after: [] });
    return { columns, edges };
  }
  (spec['layers'] as ModuleSpec[]).forEach((layer, i) => {
    const last = columns[columns.length - 1] as PictureColumn;
    const w = byName.get(`${i}.weight`);
    if (layer.type === 'Linear' || layer.type === 'Conv2d') {
      const units = Number(layer.type === 'Linear' ? layer['out_features'] : layer['out_channels']);
      const inUnits = w?.shape[1];
      columns.push({
        label: layer.type === 'Linear' ? `Linear ${units}` : `Conv2d ${units} ch`,
        units,
        kind: layer.type === 'Linear' ? 'linear' : 'conv',
        after: [],
      });
      // Edges only where the previous column's units are this layer's inputs (not after a Flatten).
      if (w !== undefined && inUnits === last.units)
        edges.push({ from: columns.length - 2, weight: perPair(w) });
    } else last.after.push(layer.type);
  });
  return { columns, edges };
}

/** A GPT spec's sizes (nanoGPT's GPTConfig keys over its defaults, as `gptConfig` reads them). */
export function describeGpt(spec: ModuleSpec): GptPicture {
  const c = gptConfig(spec);
  const [e, v, t] = [c.n_embd, c.vocab_size, c.block_size];
  const bias = c.bias ? 1 : 0;
  const layerNorm = e + bias * e;
  const block =
    2 * layerNorm + // ln_1, ln_2
    e * 3 * e +
    bias * 3 * e +
    e * e +
    bias * e + // attn.c_attn, attn.c_proj
    e * 4 * e +
    bias * 4 * e +
    4 * e * e +
    bias * e; // mlp.c_fc, mlp.c_proj
  return {
    vocab: v,
    context: t,
    width: e,
    heads: c.n_head,
    headSize: e / c.n_head,
    layers: c.n_layer,
    hidden: 4 * e,
    bias: c.bias,
    parameters: v * e + t * e + c.n_layer * block + layerNorm,
  };
}

/** The GPT in words, the picture's text equivalent. */
export function gptSentence(g: GptPicture): string {
  const blocks = g.layers === 1 ? '1 block' : `${g.layers} blocks`;
  return (
    `GPT of ${formatCount(g.parameters)} parameters: ` +
    `token embedding wte (${g.vocab} characters × ${g.width}) + position embedding wpe (${g.context} positions × ${g.width}) → ` +
    `${blocks}, each: ln_1 → causal self-attention (${g.heads} heads of ${g.headSize}) → + residual, ` +
    `ln_2 → MLP ${g.width} → ${g.hidden} (GELU) → ${g.width} → + residual → ` +
    `ln_f → lm_head (${g.width} → ${g.vocab} logits, its weight tied to wte)`
  );
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k`;
  return String(n);
}

/** (out, in) for a Linear weight; a conv kernel (out, in, kh, kw) summed over its window. */
function perPair(w: NamedWeights): Float32Array {
  const [out, inn] = w.shape as [number, number];
  const window = w.data.length / (out * inn);
  if (window === 1) return w.data;
  const m = new Float32Array(out * inn);
  for (let p = 0; p < out * inn; p++) {
    let s = 0;
    for (let k = 0; k < window; k++) s += w.data[p * window + k] as number;
    m[p] = s;
  }
  return m;
}

/**
 * For a Sequential of Linear layers and element-wise activations over 2 inputs: each column's units
 * evaluated over a res x res grid of the plane `bounds` (after the activations that follow the column), as
 * `maps[column][unit]` of res*res values, row 0 at the top. Undefined for any other model.
 */
export function unitMaps(
  spec: ModuleSpec,
  weights: readonly NamedWeights[],
  bounds: { xMin: number; xMax: number; yMin: number; yMax: number },
  res: number,
): Float32Array[][] | undefined {
  if (spec.type !== 'Sequential' || !Array.isArray(spec['layers'])) return undefined;
  const layers = spec['layers'] as ModuleSpec[];
  const first = layers.find((l) => l.type === 'Linear');
  if (first === undefined || first['in_features'] !== 2) return undefined;
  if (!layers.every((l) => l.type === 'Linear' || activations.has(l.type))) return undefined;
  const byName = new Map(weights.map((w) => [w.name, w]));
  const n = res * res;
  let values: Float32Array[] = [new Float32Array(n), new Float32Array(n)];
  for (let r = 0; r < res; r++)
    for (let c = 0; c < res; c++) {
      const k = r * res + c;
      (values[0] as Float32Array)[k] = bounds.xMin + ((c + 0.5) / res) * (bounds.xMax - bounds.xMin);
      (values[1] as Float32Array)[k] = bounds.yMax - ((r + 0.5) / res) * (bounds.yMax - bounds.yMin);
    }
  const maps: Float32Array[][] = [values];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i] as ModuleSpec;
    if (layer.type === 'Linear') {
      const w = byName.get(`${i}.weight`);
      const b = byName.get(`${i}.bias`);
      if (w === undefined) return undefined;
      const [out, inn] = w.shape as [number, number];
      const next: Float32Array[] = [];
      for (let o = 0; o < out; o++) {
        const unit = new Float32Array(n).fill(b?.data[o] ?? 0);
        for (let j = 0; j < inn; j++) {
          const wj = w.data[o * inn + j] as number;
          const src = values[j] as Float32Array;
          for (let k = 0; k < n; k++) unit[k] = (unit[k] as number) + wj * (src[k] as number);
        }
        next.push(unit);
      }
      values = next;
      maps.push(values);
    } else if (layer.type !== 'Softmax') {
      for (const unit of values)
        for (let k = 0; k < n; k++) unit[k] = activate(layer.type, unit[k] as number);
    }
  }
  return maps;
}

function activate(type: string, v: number): number {
  switch (type) {
    case 'ReLU':
      return Math.max(0, v);
    case 'Tanh':
      return Math.tanh(v);
    case 'Sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'LeakyReLU':
      return v > 0 ? v : 0.01 * v;
    case 'ELU':
      return v > 0 ? v : Math.exp(v) - 1;
    case 'SiLU':
      return v / (1 + Math.exp(-v));
    default: // GELU, tanh approximation: close enough for a picture
      return 0.5 * v * (1 + Math.tanh(0.7978845608 * (v + 0.044715 * v * v * v)));
  }
}
