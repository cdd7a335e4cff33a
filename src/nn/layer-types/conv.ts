/**
 * torch.nn.Conv2d: torch's output-size formula, and its checks in the order it makes them (aten's
 * convolution shape checks), with its messages. (N, C, H, W) -> (N, O, Ho, Wo).
 */
import { Conv2d } from '../layers/conv.ts';
import {
  type Keywords,
  type Pair,
  list,
  nonNegative,
  pthlabRefusal as pthlab,
  torchRefusal as torch,
} from '../spec-keywords.ts';
import { defineLayer } from './entry.ts';
import { bool, custom, num, pair, size, sizes } from './keyword.ts';

type Padding = Pair | 'same' | 'valid';

export const conv2d = defineLayer({
  type: 'Conv2d',
  keywords: {
    in_channels: size(),
    out_channels: size({ field: 'int' }),
    kernel_size: sizes(undefined, { field: 'pair' }),
    stride: pair(1, { field: 'pair' }),
    padding: custom(0, readPadding, { field: 'padding' }),
    dilation: pair(1),
    groups: num(1),
    bias: bool(true),
    padding_mode: custom('zeros', (a, n) => a.raw(n) ?? 'zeros'),
  },
  check: (a) => {
    if (a.groups !== 1) throw pthlab('Conv2d: groups != 1 is not supported', true);
    if (a.padding_mode !== 'zeros') throw pthlab('Conv2d: only padding_mode="zeros"', true);
    if (a.stride.some((s) => !Number.isInteger(s))) throw pthlab('Conv2d: stride must be integers');
    if (a.stride.some((s) => s <= 0)) throw torch('non-positive stride is not supported');
    if (a.dilation.some((d) => !Number.isInteger(d))) throw pthlab('Conv2d: dilation must be integers');
    if (a.dilation.some((d) => d <= 0))
      throw torch(`dilation should be greater than zero, but got ${list(a.dilation)}`);
    if (typeof a.padding !== 'string') nonNegative(a.padding, 'negative padding is not supported');
    if (a.padding === 'same') {
      if (a.stride[0] !== 1 || a.stride[1] !== 1)
        throw torch("padding='same' is not supported for strided convolutions");
      // torch pads an odd total asymmetrically; pthlab's kernels pad both sides alike.
      if (span(a).some((s) => (s - 1) % 2 !== 0))
        throw pthlab("padding='same' with an even kernel is not supported", true, 'use an odd kernel_size');
    }
  },
  state: (a) => ({
    params: {
      weight: [a.out_channels, a.in_channels, ...a.kernel_size],
      ...(a.bias ? { bias: [a.out_channels] } : {}),
    },
  }),
  output: (a, input) => {
    if (input.length !== 3 && input.length !== 4)
      throw torch(
        `Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ${list(input)}`,
        'Conv2d needs image input (N, C, H, W); this data has rows of features',
      );
    if (input.length === 3)
      throw pthlab(`pthlab's Conv2d takes batched input (N, C, H, W), got ${list(input)}`, true);
    const [n, c, h, w] = input as [number, number, number, number];
    const [inC, outC] = [a.in_channels, a.out_channels];
    if (c !== inC)
      throw torch(
        `Given groups=1, weight of size ${list([outC, inC, ...a.kernel_size])}, expected input${list(input)} to have ${inC} channels, but got ${c} channels instead`,
        `in_channels is ${inC}, but its input has ${c} channels`,
      );
    if (a.padding === 'same') return [n, outC, h, w];
    const padding: Pair = a.padding === 'valid' ? [0, 0] : a.padding;
    const padded = [h + 2 * padding[0], w + 2 * padding[1]] as Pair;
    const kernel = span(a);
    if (padded.some((p, i) => p < kernel[i]!))
      throw torch(
        `Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${kernel.join(' x ')}). Kernel size can't be greater than actual input size`,
        `the kernel is larger than its ${h}x${w} input`,
      );
    return [n, outC, ...padded.map((p, i) => Math.floor((p - kernel[i]!) / a.stride[i]!) + 1)]; // (N, O, Ho, Wo)
  },
  build: (a, opts) =>
    new Conv2d(a.in_channels, a.out_channels, a.kernel_size, {
      ...opts,
      stride: a.stride,
      padding: a.padding,
      dilation: a.dilation,
      bias: a.bias,
    }),
  editor: {
    example: { in_channels: 1, out_channels: 8, kernel_size: 3, padding: 1 },
    fromInput: {
      key: 'in_channels',
      derive: (spec, shape) => (shape.length === 4 ? { ...spec, in_channels: shape[1] } : spec),
    },
  },
});

/** The effective (dilated) kernel. */
function span(a: { kernel_size: Pair; dilation: Pair }): Pair {
  return [0, 1].map((i) => a.dilation[i]! * (a.kernel_size[i]! - 1) + 1) as Pair;
}

/**
 * An int, a pair, or 'same' / 'valid'. torch prints a Python set in its message, whose order follows the hash
 * seed; this is PYTHONHASHSEED=0's.
 */
function readPadding(a: Keywords, name: string): Padding {
  const raw = a.raw(name);
  if (typeof raw !== 'string') return a.pair(name, 0);
  if (raw !== 'same' && raw !== 'valid')
    throw torch(`Invalid padding string '${raw}', should be one of {'same', 'valid'}`);
  return raw;
}
