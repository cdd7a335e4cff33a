/**
 * torch.nn.MaxPool2d and AvgPool2d: torch's output-size formula and its checks (aten's pooling shape checks),
 * with its messages. (N, C, H, W) -> (N, C, Ho, Wo).
 */
import { AvgPool2d, MaxPool2d } from '../layers/simple.ts';
import {
  type Pair,
  list,
  nonNegative,
  pthlabRefusal as pthlab,
  torchRefusal as torch,
} from '../spec-keywords.ts';
import { type EditorInfo, defineLayer } from './entry.ts';
import { bool, numOrNull, pair, pairOrNull, sizes } from './keyword.ts';

interface Window {
  kernel_size: Pair;
  stride: Pair | null;
  padding: Pair;
  ceil_mode: boolean;
}

const window = {
  kernel_size: sizes(undefined, { field: 'pair' }),
  stride: pairOrNull({ field: 'pairOrNull' }),
  padding: pair(0, { field: 'pair' }),
};

const editor: EditorInfo = { example: { kernel_size: 2 } };

export const maxPool2d = defineLayer({
  type: 'MaxPool2d',
  keywords: { ...window, dilation: pair(1), ceil_mode: bool(false) },
  check: (a) => {
    refuseCeil('MaxPool2d', a);
    checkWindow('MaxPool2d', a, a.dilation);
  },
  state: () => ({ params: {} }),
  output: (a, input) => output('MaxPool2d', a, a.dilation, input),
  build: (a) => new MaxPool2d(a.kernel_size, { stride: a.stride, padding: a.padding, dilation: a.dilation }),
  editor,
});

export const avgPool2d = defineLayer({
  type: 'AvgPool2d',
  keywords: {
    ...window,
    ceil_mode: bool(false),
    count_include_pad: bool(true),
    divisor_override: numOrNull(null),
  },
  check: (a) => {
    refuseCeil('AvgPool2d', a);
    if (!a.count_include_pad) throw pthlab('AvgPool2d: count_include_pad=False is not supported', true);
    if (a.divisor_override !== null) throw pthlab('AvgPool2d: divisor_override is not supported', true);
    checkWindow('AvgPool2d', a, [1, 1]);
  },
  state: () => ({ params: {} }),
  output: (a, input) => output('AvgPool2d', a, [1, 1], input),
  build: (a) => new AvgPool2d(a.kernel_size, { stride: a.stride, padding: a.padding }),
  editor,
});

function refuseCeil(name: string, a: Window): void {
  if (a.ceil_mode) throw pthlab(`${name}: ceil_mode=True is not supported`, true);
}

function checkWindow(name: string, a: Window, dilation: Pair): void {
  const stride = a.stride ?? a.kernel_size;
  if (stride.some((s) => !Number.isInteger(s) || s < 0))
    throw pthlab(`${name}: stride must be positive integers`);
  if (stride.some((s) => s === 0)) throw torch('stride should not be zero');
  if (dilation.some((d) => !Number.isInteger(d) || d <= 0))
    throw pthlab(`${name}: dilation must be positive integers`);
  const { kernel_size: kernel, padding } = a;
  nonNegative(padding, `pad must be non-negative, but got pad: ${Math.min(...padding)}`);
  // torch checks the padding against the dilated kernel per dim (H first), then against the kernel itself.
  [0, 1].forEach((i) => {
    const [k, p, d] = [kernel[i]!, padding[i]!, dilation[i]!];
    if (p > Math.floor(((k - 1) * d + 1) / 2))
      throw torch(
        `pad should be at most half of effective kernel size, but got pad=${p}, kernel_size=${k} and dilation=${d}`,
      );
  });
  if (padding[1] > Math.floor(kernel[1] / 2) || padding[0] > Math.floor(kernel[0] / 2))
    throw torch(
      `pad should be smaller than or equal to half of kernel size, but got padW = ${padding[1]}, padH = ${padding[0]}, kW = ${kernel[1]}, kH = ${kernel[0]}`,
    );
}

function output(name: string, a: Window, dilation: Pair, input: readonly number[]): number[] {
  checkRank(name, input);
  const stride = a.stride ?? a.kernel_size;
  const [c, h, w] = input.slice(1) as [number, number, number];
  const out = [h, w].map((size, i) => {
    const span = dilation[i]! * (a.kernel_size[i]! - 1) + 1;
    return Math.floor((size + 2 * a.padding[i]! - span) / stride[i]!) + 1;
  });
  if (out.some((o) => o < 1))
    throw torch(
      `Given input size: (${c}x${h}x${w}). Calculated output size: (${c}x${out.join('x')}). Output size is too small`,
      `the window is larger than its ${h}x${w} input`,
    );
  return [input[0]!, c, ...out]; // (N, C, Ho, Wo)
}

function checkRank(name: string, input: readonly number[]): void {
  const rank = input.length;
  if (rank === 4) return;
  const hint = `${name} needs image input (N, C, H, W)`;
  if (rank === 3) throw pthlab(`pthlab's ${name} takes batched input (N, C, H, W), got ${list(input)}`, true);
  if (name === 'MaxPool2d') throw torch('non-empty 3D or 4D (batch mode) tensor expected for input', hint);
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
