/**
 * buildModule(spec): a module from DESIGN.md's architecture JSON, whose `type` and keyword names are
 * torch.nn's own (`{"type": "Linear", "in_features": 2, "out_features": 16}`); Sequential lists its
 * children under `layers`. examples/pytorch/ builds the same nn.Module in Python from the same JSON.
 * Unknown types and keywords throw, as torch's constructors do.
 */
import type { InitOptions } from './init.ts';
import { Conv2d } from './layers/conv.ts';
import { Embedding } from './layers/embedding.ts';
import { Linear } from './layers/linear.ts';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from './layers/norm.ts';
import { Sequential } from './layers/sequential.ts';
import {
  AvgPool2d,
  Dropout,
  Flatten,
  GELU,
  LeakyReLU,
  MaxPool2d,
  ReLU,
  Sigmoid,
  Softmax,
  Tanh,
} from './layers/simple.ts';
import type { Module } from './module.ts';

export interface ModuleSpec {
  type: string;
  [keyword: string]: unknown;
}

type Pair = number | [number, number];

/** Reads a spec's keywords, rejecting unknown ones and checking types, with torch's wording. */
class Args {
  private readonly used = new Set<string>(['type']);
  constructor(private readonly spec: ModuleSpec) {}

  private get(name: string): unknown {
    this.used.add(name);
    return this.spec[name];
  }
  num(name: string, fallback?: number): number {
    const v = this.get(name) ?? fallback;
    if (typeof v !== 'number') throw new TypeError(`${this.spec.type}: ${name} must be a number`);
    return v;
  }
  numOrNull(name: string, fallback: number | null): number | null {
    const v = this.get(name);
    if (v === undefined) return fallback;
    if (v !== null && typeof v !== 'number')
      throw new TypeError(`${this.spec.type}: ${name} must be a number or null`);
    return v;
  }
  bool(name: string, fallback: boolean): boolean {
    const v = this.get(name) ?? fallback;
    if (typeof v !== 'boolean') throw new TypeError(`${this.spec.type}: ${name} must be a boolean`);
    return v;
  }
  pair(name: string, fallback?: Pair): Pair {
    const v = this.get(name) ?? fallback;
    if (typeof v === 'number') return v;
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'))
      return [v[0] as number, v[1] as number];
    throw new TypeError(`${this.spec.type}: ${name} must be an int or a pair of ints`);
  }
  pairOrNull(name: string): Pair | null {
    const v = this.get(name);
    return v === undefined || v === null ? null : this.pair(name);
  }
  raw(name: string): unknown {
    return this.get(name);
  }
  /** Throws on keywords no constructor read, as Python does for unexpected keyword arguments. */
  done<M extends Module>(m: M): M {
    for (const key of Object.keys(this.spec)) {
      if (!this.used.has(key))
        throw new TypeError(`${this.spec.type}.__init__() got an unexpected keyword argument '${key}'`);
    }
    return m;
  }
}

export function buildModule(spec: ModuleSpec, opts: InitOptions = {}): Module {
  const a = new Args(spec);
  switch (spec.type) {
    case 'Sequential': {
      const layers = a.raw('layers') ?? [];
      if (!Array.isArray(layers)) throw new TypeError('Sequential: layers must be a list of specs');
      return a.done(new Sequential(...layers.map((s: ModuleSpec) => buildModule(s, opts))));
    }
    case 'Linear':
      return a.done(new Linear(a.num('in_features'), a.num('out_features'), a.bool('bias', true), opts));
    case 'Conv2d': {
      const padding = a.raw('padding');
      return a.done(
        new Conv2d(a.num('in_channels'), a.num('out_channels'), a.pair('kernel_size'), {
          ...opts,
          stride: a.pair('stride', 1),
          padding: padding === 'same' || padding === 'valid' ? padding : a.pair('padding', 0),
          dilation: a.pair('dilation', 1),
          groups: a.num('groups', 1),
          bias: a.bool('bias', true),
          paddingMode: a.raw('padding_mode') === undefined ? 'zeros' : (a.raw('padding_mode') as 'zeros'),
        }),
      );
    }
    case 'BatchNorm1d':
    case 'BatchNorm2d': {
      const Norm = spec.type === 'BatchNorm1d' ? BatchNorm1d : BatchNorm2d;
      const bnOpts = {
        ...opts,
        eps: a.num('eps', 1e-5),
        momentum: a.numOrNull('momentum', 0.1),
        affine: a.bool('affine', true),
        trackRunningStats: a.bool('track_running_stats', true),
      };
      return a.done(new Norm(a.num('num_features'), bnOpts));
    }
    case 'LayerNorm': {
      const shape = a.raw('normalized_shape');
      if (typeof shape !== 'number' && !(Array.isArray(shape) && shape.every((d) => typeof d === 'number'))) {
        throw new TypeError('LayerNorm: normalized_shape must be an int or a list of ints');
      }
      const lnOpts = {
        ...opts,
        eps: a.num('eps', 1e-5),
        elementwiseAffine: a.bool('elementwise_affine', true),
        bias: a.bool('bias', true),
      };
      return a.done(new LayerNorm(shape as number | number[], lnOpts));
    }
    case 'Embedding':
      return a.done(
        new Embedding(a.num('num_embeddings'), a.num('embedding_dim'), {
          ...opts,
          paddingIdx: a.numOrNull('padding_idx', null),
        }),
      );
    case 'Dropout':
      return a.done(new Dropout(a.num('p', 0.5), ...(opts.generator ? [opts.generator] : [])));
    case 'Flatten':
      return a.done(new Flatten(a.num('start_dim', 1), a.num('end_dim', -1)));
    case 'MaxPool2d': {
      const stride = a.pairOrNull('stride');
      const mpOpts = {
        stride,
        padding: a.pair('padding', 0),
        dilation: a.pair('dilation', 1),
        ceilMode: a.bool('ceil_mode', false),
      };
      return a.done(new MaxPool2d(a.pair('kernel_size'), mpOpts));
    }
    case 'AvgPool2d': {
      const apOpts = {
        stride: a.pairOrNull('stride'),
        padding: a.pair('padding', 0),
        ceilMode: a.bool('ceil_mode', false),
        countIncludePad: a.bool('count_include_pad', true),
        divisorOverride: a.numOrNull('divisor_override', null),
      };
      return a.done(new AvgPool2d(a.pair('kernel_size'), apOpts));
    }
    case 'ReLU':
      a.bool('inplace', false);
      return a.done(new ReLU());
    case 'LeakyReLU':
      a.bool('inplace', false);
      return a.done(new LeakyReLU(a.num('negative_slope', 0.01)));
    case 'GELU': {
      const approximate = a.raw('approximate') ?? 'none';
      if (approximate !== 'none' && approximate !== 'tanh')
        throw new TypeError(`GELU: approximate must be 'none' or 'tanh'`);
      return a.done(new GELU(approximate));
    }
    case 'Tanh':
      return a.done(new Tanh());
    case 'Sigmoid':
      return a.done(new Sigmoid());
    case 'Softmax':
      return a.done(new Softmax(a.num('dim')));
    default:
      throw new TypeError(`unknown module type '${spec.type}'`);
  }
}
