/**
 * torch.nn.init's distributions, drawn from our generator (see tensor/random.ts: same distributions as
 * torch, not the same numbers).
 */
import {
  type Backend,
  type Generator,
  type Tensor,
  defaultBackend,
  defaultGenerator,
  fromHost,
  full,
} from '../tensor/index.ts';

/** Where a layer's parameters live and where their initial values come from. */
export interface InitOptions {
  backend?: Backend;
  generator?: Generator;
}

/** torch's `_calculate_fan_in_and_fan_out`: fan_in = size(1) * prod(size[2:]). */
export function fanIn(shape: readonly number[]): number {
  if (shape.length < 2)
    throw new RangeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  return shape.slice(1).reduce((a, d) => a * d, 1);
}

/** kaiming_uniform_(a, mode='fan_in', nonlinearity='leaky_relu'): U(-b, b), b = sqrt(3) * gain / sqrt(fan_in). */
export function kaimingUniform(shape: readonly number[], a: number, opts: InitOptions = {}): Tensor {
  const gain = Math.sqrt(2 / (1 + a * a));
  const bound = Math.sqrt(3) * (gain / Math.sqrt(fanIn(shape)));
  return uniform(shape, -bound, bound, opts);
}

export function uniform(shape: readonly number[], low: number, high: number, opts: InitOptions = {}): Tensor {
  const gen = opts.generator ?? defaultGenerator;
  const n = shape.reduce((a, d) => a * d, 1);
  return fromHost(gen.uniformArray(n, low, high), shape, { backend: opts.backend ?? defaultBackend() });
}

export function normal(shape: readonly number[], mean: number, std: number, opts: InitOptions = {}): Tensor {
  const gen = opts.generator ?? defaultGenerator;
  const n = shape.reduce((a, d) => a * d, 1);
  return fromHost(gen.normalArray(n, mean, std), shape, { backend: opts.backend ?? defaultBackend() });
}

export function constant(shape: readonly number[], value: number, opts: InitOptions = {}): Tensor {
  return full(shape, value, { backend: opts.backend ?? defaultBackend() });
}

/** Linear/Conv weight and bias as their reset_parameters(): kaiming_uniform_(a=sqrt(5)), U(+-1/sqrt(fan_in)). */
export function linearInit(
  weightShape: readonly number[],
  withBias: boolean,
  opts: InitOptions,
): [Tensor, Tensor | null] {
  const weight = kaimingUniform(weightShape, Math.sqrt(5), opts);
  if (!withBias) return [weight, null];
  const fan = fanIn(weightShape);
  const bound = fan > 0 ? 1 / Math.sqrt(fan) : 0;
  return [weight, uniform([weightShape[0] as number], -bound, bound, opts)];
}
