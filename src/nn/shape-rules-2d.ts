/**
 * Shape rules of the 2-D window layers, Conv2d, MaxPool2d and AvgPool2d: torch's output-size formulas, and
 * its checks in the order it makes them (aten's convolution and pooling shape checks), with its messages.
 */
import {
  type Keywords,
  type LayerOutput,
  type Pair,
  list,
  nonNegative,
  pthlabRefusal as pthlab,
  torchRefusal as torch,
} from './spec-keywords.ts';

export function conv2d(a: Keywords, input: number[]): LayerOutput {
  const inC = a.size('in_channels');
  const outC = a.size('out_channels');
  const kernel = a.sizes('kernel_size');
  const stride = a.pair('stride', 1);
  const rawPadding = a.raw('padding');
  const named = typeof rawPadding === 'string' ? rawPadding : undefined;
  // torch prints a Python set here, whose order follows the hash seed; this is PYTHONHASHSEED=0's.
  if (named !== undefined && named !== 'same' && named !== 'valid')
    throw torch(`Invalid padding string '${named}', should be one of {'same', 'valid'}`);
  const padding = named === undefined ? a.pair('padding', 0) : ([0, 0] as Pair);
  const dilation = a.pair('dilation', 1);
  const groups = a.num('groups', 1);
  const bias = a.bool('bias', true);
  const paddingMode = a.raw('padding_mode') ?? 'zeros';
  a.done();
  if (groups !== 1) throw pthlab('Conv2d: groups != 1 is not supported', true);
  if (paddingMode !== 'zeros') throw pthlab('Conv2d: only padding_mode="zeros"', true);
  if (stride.some((s) => !Number.isInteger(s))) throw pthlab('Conv2d: stride must be integers');
  if (stride.some((s) => s <= 0)) throw torch('non-positive stride is not supported');
  if (dilation.some((d) => !Number.isInteger(d))) throw pthlab('Conv2d: dilation must be integers');
  if (dilation.some((d) => d <= 0))
    throw torch(`dilation should be greater than zero, but got ${list(dilation)}`);
  nonNegative(padding, 'negative padding is not supported');
  const span = kernel.map((k, i) => (dilation[i] as number) * (k - 1) + 1) as Pair; // effective kernel
  if (named === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1)
      throw torch("padding='same' is not supported for strided convolutions");
    // torch pads an odd total asymmetrically; pthlab's kernels pad both sides alike.
    if (span.some((s) => (s - 1) % 2 !== 0))
      throw pthlab("padding='same' with an even kernel is not supported", true, 'use an odd kernel_size');
  }
  if (input.length !== 3 && input.length !== 4)
    throw torch(
      `Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ${list(input)}`,
      'Conv2d needs image input (N, C, H, W); this data has rows of features',
    );
  if (input.length === 3)
    throw pthlab(`pthlab's Conv2d takes batched input (N, C, H, W), got ${list(input)}`, true);
  const [n, c, h, w] = input as [number, number, number, number];
  if (c !== inC)
    throw torch(
      `Given groups=1, weight of size ${list([outC, inC, ...kernel])}, expected input${list(input)} to have ${inC} channels, but got ${c} channels instead`,
      `in_channels is ${inC}, but its input has ${c} channels`,
    );
  const padded = [h + 2 * padding[0], w + 2 * padding[1]];
  if (named !== 'same' && padded.some((p, i) => p < (span[i] as number)))
    throw torch(
      `Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${span.join(' x ')}). Kernel size can't be greater than actual input size`,
      `the kernel is larger than its ${h}x${w} input`,
    );
  const out =
    named === 'same'
      ? [h, w]
      : [0, 1].map(
          (i) => Math.floor(((padded[i] as number) - (span[i] as number)) / (stride[i] as number)) + 1,
        );
  return { output: [n, outC, ...out], params: outC * inC * kernel[0] * kernel[1] + (bias ? outC : 0) }; // (N, O, Ho, Wo)
}

export function pool(a: Keywords, input: number[], kind: 'max' | 'avg'): LayerOutput {
  const name = kind === 'max' ? 'MaxPool2d' : 'AvgPool2d';
  const kernel = a.sizes('kernel_size');
  const stride = a.pairOrNull('stride') ?? kernel;
  const padding = a.pair('padding', 0);
  const dilation = kind === 'max' ? a.pair('dilation', 1) : ([1, 1] as Pair);
  const ceil = a.bool('ceil_mode', false);
  const countIncludePad = kind === 'avg' ? a.bool('count_include_pad', true) : true;
  const divisor = kind === 'avg' ? a.numOrNull('divisor_override', null) : null;
  a.done();
  if (ceil) throw pthlab(`${name}: ceil_mode=True is not supported`, true);
  if (!countIncludePad) throw pthlab('AvgPool2d: count_include_pad=False is not supported', true);
  if (divisor !== null) throw pthlab('AvgPool2d: divisor_override is not supported', true);
  checkPoolRank(input, kind);
  if (stride.some((s) => !Number.isInteger(s) || s < 0))
    throw pthlab(`${name}: stride must be positive integers`);
  if (stride.some((s) => s === 0)) throw torch('stride should not be zero');
  if (dilation.some((d) => !Number.isInteger(d) || d <= 0))
    throw pthlab(`${name}: dilation must be positive integers`);
  nonNegative(padding, `pad must be non-negative, but got pad: ${Math.min(...padding)}`);
  const [c, h, w] = input.slice(1) as [number, number, number];
  // torch checks the padding against the dilated kernel per dim (H first), then against the kernel itself.
  [0, 1].forEach((i) => {
    const [k, p, d] = [kernel[i] as number, padding[i] as number, dilation[i] as number];
    if (p > Math.floor(((k - 1) * d + 1) / 2))
      throw torch(
        `pad should be at most half of effective kernel size, but got pad=${p}, kernel_size=${k} and dilation=${d}`,
      );
  });
  if (padding[1] > Math.floor(kernel[1] / 2) || padding[0] > Math.floor(kernel[0] / 2))
    throw torch(
      `pad should be smaller than or equal to half of kernel size, but got padW = ${padding[1]}, padH = ${padding[0]}, kW = ${kernel[1]}, kH = ${kernel[0]}`,
    );
  const out = [h, w].map((size, i) => {
    const span = (dilation[i] as number) * ((kernel[i] as number) - 1) + 1;
    return Math.floor((size + 2 * (padding[i] as number) - span) / (stride[i] as number)) + 1;
  });
  if (out.some((o) => o < 1))
    throw torch(
      `Given input size: (${c}x${h}x${w}). Calculated output size: (${c}x${out.join('x')}). Output size is too small`,
      `the window is larger than its ${h}x${w} input`,
    );
  return { output: [input[0] as number, c, ...out], params: 0 }; // (N, C, Ho, Wo)
}

function checkPoolRank(input: readonly number[], kind: 'max' | 'avg'): void {
  const rank = input.length;
  if (rank === 4) return;
  const name = kind === 'max' ? 'MaxPool2d' : 'AvgPool2d';
  const hint = `${name} needs image input (N, C, H, W)`;
  if (rank === 3) throw pthlab(`pthlab's ${name} takes batched input (N, C, H, W), got ${list(input)}`, true);
  if (kind === 'max') throw torch('non-empty 3D or 4D (batch mode) tensor expected for input', hint);
  if (rank < 3) {
    // avg_pool2d reads input.size(-3) before checking the rank: an IndexError.
    const r = Math.max(rank, 1);
    throw torch(`Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got -3)`, hint);
  }
  throw torch(
    `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${list(input)}`,
    hint,
  );
}
