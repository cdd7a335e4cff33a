/**
 * buildModule(spec): a module from DESIGN.md's architecture JSON, whose `type` and keyword names are
 * torch.nn's own (`{"type": "Linear", "in_features": 2, "out_features": 16}`); Sequential lists its
 * children under `layers`. examples/pytorch/ builds the same nn.Module in Python from the same JSON.
 * Unknown types and keywords throw, as torch's constructors do; keywords are read by spec-keywords.ts, which
 * shape inference shares, so both refuse the same specs in the same words.
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
import { Keywords, nonNegative } from './spec-keywords.ts';

export interface ModuleSpec {
  type: string;
  [keyword: string]: unknown;
}

/** A pooling layer's padding, refused when negative in torch's words. */
function nonNegativePad(a: Keywords): [number, number] {
  const padding = a.pair('padding', 0);
  return nonNegative(padding, `pad must be non-negative, but got pad: ${Math.min(...padding)}`);
}

/** Builds `m` from keywords read off `a`, then refuses any keyword no constructor read. */
function done<M extends Module>(a: Keywords, m: M): M {
  a.done();
  return m;
}

export function buildModule(spec: ModuleSpec, opts: InitOptions = {}): Module {
  const a = new Keywords(spec);
  switch (spec.type) {
    case 'Sequential': {
      const layers = a.raw('layers') ?? [];
      if (!Array.isArray(layers)) throw new TypeError('Sequential: layers must be a list of specs');
      return done(a, new Sequential(...layers.map((s: ModuleSpec) => buildModule(s, opts))));
    }
    case 'Linear':
      return done(a, new Linear(a.size('in_features'), a.size('out_features'), a.bool('bias', true), opts));
    case 'Conv2d': {
      const padding = a.raw('padding');
      return done(
        a,
        new Conv2d(a.size('in_channels'), a.size('out_channels'), a.sizes('kernel_size'), {
          ...opts,
          stride: a.sizes('stride', 1),
          padding:
            padding === 'same' || padding === 'valid'
              ? padding
              : nonNegative(a.pair('padding', 0), 'negative padding is not supported'),
          dilation: a.sizes('dilation', 1),
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
      return done(a, new Norm(a.num('num_features'), bnOpts));
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
      return done(a, new LayerNorm(shape as number | number[], lnOpts));
    }
    case 'Embedding':
      return done(
        a,
        new Embedding(a.num('num_embeddings'), a.num('embedding_dim'), {
          ...opts,
          paddingIdx: a.numOrNull('padding_idx', null),
        }),
      );
    case 'Dropout':
      return done(a, new Dropout(a.num('p', 0.5), ...(opts.generator ? [opts.generator] : [])));
    case 'Flatten':
      return done(a, new Flatten(a.num('start_dim', 1), a.num('end_dim', -1)));
    case 'MaxPool2d': {
      const stride = a.pairOrNull('stride');
      const mpOpts = {
        stride,
        padding: nonNegativePad(a),
        dilation: a.sizes('dilation', 1),
        ceilMode: a.bool('ceil_mode', false),
      };
      return done(a, new MaxPool2d(a.sizes('kernel_size'), mpOpts));
    }
    case 'AvgPool2d': {
      const apOpts = {
        stride: a.pairOrNull('stride'),
        padding: nonNegativePad(a),
        ceilMode: a.bool('ceil_mode', false),
        countIncludePad: a.bool('count_include_pad', true),
        divisorOverride: a.numOrNull('divisor_override', null),
      };
      return done(a, new AvgPool2d(a.sizes('kernel_size'), apOpts));
    }
    case 'ReLU':
      a.bool('inplace', false);
      return done(a, new ReLU());
    case 'LeakyReLU':
      a.bool('inplace', false);
      return done(a, new LeakyReLU(a.num('negative_slope', 0.01)));
    case 'GELU': {
      const approximate = a.raw('approximate') ?? 'none';
      if (approximate !== 'none' && approximate !== 'tanh')
        throw new TypeError(`GELU: approximate must be 'none' or 'tanh'`);
      return done(a, new GELU(approximate));
    }
    case 'Tanh':
      return done(a, new Tanh());
    case 'Sigmoid':
      return done(a, new Sigmoid());
    case 'Softmax':
      return done(a, new Softmax(a.num('dim')));
    default:
      throw new TypeError(`unknown module type '${spec.type}'`);
  }
}
