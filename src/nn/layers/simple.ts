/** Parameter-free layers: activations, Softmax, Dropout, Flatten, pooling. */
import { F, type Generator, type Tensor, defaultGenerator } from '../../tensor/index.ts';
import { Module } from '../module.ts';

export class ReLU extends Module {
  readonly typeName = 'ReLU';
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

export class LeakyReLU extends Module {
  readonly typeName = 'LeakyReLU';
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
}

export class GELU extends Module {
  readonly typeName = 'GELU';
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.gelu(x, this.approximate);
  }
}

export class Tanh extends Module {
  readonly typeName = 'Tanh';
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

export class Sigmoid extends Module {
  readonly typeName = 'Sigmoid';
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/** torch.nn.Softmax(dim): dim is required here (torch's dim=None is a deprecated implicit choice). */
export class Softmax extends Module {
  readonly typeName = 'Softmax';
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }
}

export class Dropout extends Module {
  readonly typeName = 'Dropout';
  constructor(
    readonly p = 0.5,
    readonly generator: Generator = defaultGenerator,
  ) {
    super();
    if (p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training, this.generator);
  }
}

export class Flatten extends Module {
  readonly typeName = 'Flatten';
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}

type Pair = number | readonly [number, number];

export interface MaxPool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

export class MaxPool2d extends Module {
  readonly typeName = 'MaxPool2d';
  constructor(
    readonly kernelSize: Pair,
    readonly opts: MaxPool2dOptions = {},
  ) {
    super();
    if (opts.ceilMode === true) throw new RangeError('MaxPool2d: ceil_mode=True is not supported');
  }
  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernelSize, this.opts);
  }
}

export interface AvgPool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  /** Only true (torch's default) is supported. */
  countIncludePad?: boolean;
  /** Only null (torch's default) is supported. */
  divisorOverride?: number | null;
}

export class AvgPool2d extends Module {
  readonly typeName = 'AvgPool2d';
  constructor(
    readonly kernelSize: Pair,
    readonly opts: AvgPool2dOptions = {},
  ) {
    super();
    if (opts.ceilMode === true) throw new RangeError('AvgPool2d: ceil_mode=True is not supported');
    if (opts.countIncludePad === false)
      throw new RangeError('AvgPool2d: count_include_pad=False is not supported');
    if (opts.divisorOverride != null) throw new RangeError('AvgPool2d: divisor_override is not supported');
  }
  forward(x: Tensor): Tensor {
    const { stride, padding } = this.opts;
    return F.avgPool2d(x, this.kernelSize, {
      ...(stride != null ? { stride } : {}),
      ...(padding !== undefined ? { padding } : {}),
    });
  }
}
