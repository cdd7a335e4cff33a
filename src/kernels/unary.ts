/**
 * Elementwise unary ops y = f(x) and their backward forms dx = dy * f'(x).
 * The op codes are shared with shaders/unary.wgsl.
 */
import { gelu, geluGrad, sigmoid } from './activation.ts';

export const UNARY_OPS = [
  'neg',
  'exp',
  'log',
  'sqrt',
  'relu',
  'leaky_relu',
  'gelu',
  'tanh',
  'sigmoid',
  'abs',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/** Ops with a natural fused backward kernel; the others are compositions (exp: dy*y, log: dy/x, neg: -dy). */
export const UNARY_GRAD_OPS = ['relu', 'leaky_relu', 'gelu', 'tanh', 'sigmoid', 'sqrt'] as const;
export type UnaryGradOp = (typeof UNARY_GRAD_OPS)[number];

/** torch.nn.LeakyReLU's default negative slope. */
export const DEFAULT_LEAKY_SLOPE = 0.01;

export function unaryScalar(op: UnaryOp, x: number, alpha: number): number {
  switch (op) {
    case 'neg':
      return -x;
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'relu':
      return x > 0 ? x : 0;
    case 'leaky_relu':
      return x > 0 ? x : alpha * x;
    case 'gelu':
      return gelu(x);
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'abs':
      return Math.abs(x);
  }
}

/** y = op(x). alpha is leaky_relu's negative slope. */
export function unary(
  op: UnaryOp,
  x: Float32Array,
  alpha = DEFAULT_LEAKY_SLOPE,
  out?: Float32Array,
): Float32Array {
  const y = out ?? new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = unaryScalar(op, x[i]!, alpha);
  return y;
}

/**
 * dx = dy * op'(.). `saved` is what the backward needs, as torch saves it:
 * the input x for relu, leaky_relu, gelu; the output y for tanh, sigmoid, sqrt.
 */
export function unaryBackward(
  op: UnaryGradOp,
  saved: Float32Array,
  dy: Float32Array,
  alpha = DEFAULT_LEAKY_SLOPE,
  out?: Float32Array,
): Float32Array {
  if (saved.length !== dy.length) throw new RangeError('unaryBackward: saved and dy differ in size');
  const dx = out ?? new Float32Array(dy.length);
  for (let i = 0; i < dy.length; i++) dx[i] = dy[i]! * unaryGradScalar(op, saved[i]!, alpha);
  return dx;
}

export function unaryGradScalar(op: UnaryGradOp, s: number, alpha: number): number {
  switch (op) {
    case 'relu':
      return s > 0 ? 1 : 0;
    case 'leaky_relu':
      return s > 0 ? 1 : alpha;
    case 'gelu':
      return geluGrad(s);
    case 'tanh':
      return 1 - s * s;
    case 'sigmoid':
      return s * (1 - s);
    case 'sqrt':
      return 0.5 / s;
  }
}
