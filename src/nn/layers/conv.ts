import { F, type Tensor } from '../../tensor/index.ts';
import { type InitOptions, linearInit } from '../init.ts';
import { Module } from '../module.ts';

type Pair = number | readonly [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export interface Conv2dOptions extends InitOptions {
  stride?: Pair;
  /** 'valid' is 0; 'same' needs stride 1 and an even total padding per dim (torch pads odd ones asymmetrically). */
  padding?: Pair | 'valid' | 'same';
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  paddingMode?: 'zeros';
}

/** torch.nn.Conv2d: weight (out, in, kH, kW), bias (out). groups must be 1 (for now). */
export class Conv2d extends Module {
  readonly typeName = 'Conv2d';
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    opts: Conv2dOptions = {},
  ) {
    super();
    if ((opts.groups ?? 1) !== 1) throw new RangeError('Conv2d: groups != 1 is not supported');
    if ((opts.paddingMode ?? 'zeros') !== 'zeros') throw new RangeError('Conv2d: only padding_mode="zeros"');
    this.kernelSize = pair(kernelSize);
    this.stride = pair(opts.stride ?? 1);
    this.dilation = pair(opts.dilation ?? 1);
    this.padding = samePadding(opts.padding ?? 0, this.kernelSize, this.dilation, this.stride);
    const [w, b] = linearInit([outChannels, inChannels, ...this.kernelSize], opts.bias ?? true, opts);
    this.registerParameter('weight', w);
    this.registerParameter('bias', b);
  }

  get weight(): Tensor {
    return this.param('weight') as Tensor;
  }

  get bias(): Tensor | null {
    return this.param('bias');
  }

  forward(x: Tensor): Tensor {
    const opts = { stride: this.stride, padding: this.padding, dilation: this.dilation };
    return F.conv2d(x, this.weight, this.bias, opts); // (N, C, H, W) -> (N, O, Ho, Wo)
  }
}

function samePadding(
  padding: Pair | 'valid' | 'same',
  kernel: [number, number],
  dilation: [number, number],
  stride: [number, number],
): [number, number] {
  if (padding === 'valid') return [0, 0];
  if (padding !== 'same') return pair(padding);
  if (stride[0] !== 1 || stride[1] !== 1)
    throw new RangeError("padding='same' is not supported for strided convolutions");
  const total = kernel.map((k, i) => (dilation[i] as number) * (k - 1));
  if (total.some((t) => t % 2 !== 0))
    throw new RangeError("padding='same' with an even kernel is not supported");
  return [(total[0] as number) / 2, (total[1] as number) / 2];
}
