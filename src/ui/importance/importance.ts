/**
 * Per-layer importance of a model's parameters, plain TypeScript: parameters group by layer (the key up to
 * its last dot: `0.weight` and `0.bias` are layer `0`), and each layer gets
 *   - mean |w|: the mean absolute value of its parameters (comparable across layers of different sizes);
 *   - |Σ g·w|: given the gradients of the loss on a batch, the first-order (Taylor) estimate of how much
 *     the loss would change if the layer's parameters were all set to zero.
 */
import type { Module } from '../../nn/index.ts';

export interface LayerImportance {
  layer: string;
  /** Parameters (elements) in the layer. */
  params: number;
  meanAbsWeight: number;
  /** |Σ g·w| over the layer, or undefined without gradients for every one of its parameters. */
  gradTimesWeight: number | undefined;
}

/** The layer a parameter key belongs to: `features.0.weight` → `features.0`; a top-level key → `(model)`. */
export function layerOf(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? '(model)' : key.slice(0, dot);
}

export function layerImportance(
  weights: ReadonlyMap<string, ArrayLike<number>>,
  gradients?: ReadonlyMap<string, ArrayLike<number>>,
): LayerImportance[] {
  const layers = new Map<string, { params: number; abs: number; gw: number; complete: boolean }>();
  for (const [key, w] of weights) {
    const name = layerOf(key);
    const entry = layers.get(name) ?? { params: 0, abs: 0, gw: 0, complete: gradients !== undefined };
    const g = gradients?.get(key);
    if (g === undefined || g.length !== w.length) entry.complete = false;
    for (let i = 0; i < w.length; i++) {
      const v = w[i] as number;
      entry.abs += Math.abs(v);
      if (g !== undefined && entry.complete) entry.gw += v * (g[i] as number);
    }
    entry.params += w.length;
    layers.set(name, entry);
  }
  return [...layers].map(([layer, e]) => ({
    layer,
    params: e.params,
    meanAbsWeight: e.params === 0 ? 0 : e.abs / e.params,
    gradTimesWeight: e.complete ? Math.abs(e.gw) : undefined,
  }));
}

/** A module's parameters (not its buffers) by state_dict key, as host arrays. */
export async function parameterValues(model: Module): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [key, p] of model.namedParameters()) out.set(key, Float32Array.from(await p.data()));
  return out;
}

/** The parameters' `.grad` after a backward pass, by key (parameters without a gradient are left out). */
export async function gradientValues(model: Module): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [key, p] of model.namedParameters())
    if (p.grad !== null) out.set(key, Float32Array.from(await p.grad.data()));
  return out;
}
