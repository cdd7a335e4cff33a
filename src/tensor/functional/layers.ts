/** linear, conv2d, pooling, dropout, embedding (torch.nn.functional names and defaults). */
import { ops } from '../ops.ts';
import { defaultGenerator, type Generator } from '../random.ts';
import { Tensor, apply } from '../tensor.ts';

export type Pair = number | readonly [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** y = x @ W^T + b with W (out, in): the matmul reads W transposed in place (no copy). */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const y = apply(ops.matmul, [x, weight], { transB: true }); // (..., in) @ (out, in)^T -> (..., out)
  return bias === null ? y : y.add(bias);
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** x (N, C, H, W), weight (O, C, kH, kW) -> (N, O, Ho, Wo). groups other than 1 are not supported yet. */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  opts: Conv2dOptions = {},
): Tensor {
  if ((opts.groups ?? 1) !== 1) throw new RangeError('conv2d: groups != 1 is not supported');
  const attrs = {
    stride: pair(opts.stride ?? 1),
    padding: pair(opts.padding ?? 0),
    dilation: pair(opts.dilation ?? 1),
  };
  const y = apply(ops.conv2d, [x, weight], attrs); // (N, O, Ho, Wo)
  return bias === null ? y : y.add(bias.reshape(1, bias.numel, 1, 1));
}

export interface Pool2dOptions {
  /** Defaults to the kernel size, as torch. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

function poolAttrs(kernelSize: Pair, opts: Pool2dOptions) {
  if (opts.ceilMode === true) throw new RangeError('pool2d: ceil_mode=True is not supported');
  const kernel = pair(kernelSize);
  return {
    kernel,
    stride: pair(opts.stride ?? kernel),
    padding: pair(opts.padding ?? 0),
    dilation: pair(opts.dilation ?? 1),
  };
}

export function maxPool2d(x: Tensor, kernelSize: Pair, opts: Pool2dOptions = {}): Tensor {
  return apply(ops.maxPool2d, [x], poolAttrs(kernelSize, opts));
}

/** count_include_pad=True and no divisor_override (torch's defaults), the only forms supported. */
export function avgPool2d(x: Tensor, kernelSize: Pair, opts: Omit<Pool2dOptions, 'dilation'> = {}): Tensor {
  return apply(ops.avgPool2d, [x], poolAttrs(kernelSize, opts));
}

/**
 * dropout: zeroes each element with probability p and scales the rest by 1/(1-p) in training; the mask is
 * drawn on the device from a counter-based RNG seeded from `generator` (not torch's stream).
 */
export function dropout(
  x: Tensor,
  p = 0.5,
  training = true,
  generator: Generator = defaultGenerator,
): Tensor {
  if (p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const mask = x.backend.dropoutMask(x.numel, p, generator.nextUint32(), 0);
  return x.mul(new Tensor(mask, x.shape, 'float32', x.backend));
}

/** Rows of weight (num_embeddings, dim) at int64 `input` (...) -> (..., dim); padding_idx rows get no gradient. */
export function embedding(input: Tensor, weight: Tensor, paddingIdx: number | null = null): Tensor {
  return apply(ops.embedding, [weight, input], { paddingIdx });
}
