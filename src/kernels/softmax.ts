/** softmax and log_softmax over the last dimension of a (rows, cols) view, forward and backward. */

/** The two members of the family, named as the WGSL entry points (shaders/softmax.wgsl) and the op's attr. */
export type SoftmaxKind = 'softmax' | 'log_softmax';

export function softmax(x: Float32Array, rows: number, cols: number, out?: Float32Array): Float32Array {
  checkSize('softmax', x, rows, cols);
  const y = out ?? new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const max = rowMax(x, o, cols);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(x[o + c]! - max);
    const inv = 1 / sum;
    for (let c = 0; c < cols; c++) y[o + c] = Math.exp(x[o + c]! - max) * inv;
  }
  return y;
}

export function logSoftmax(x: Float32Array, rows: number, cols: number, out?: Float32Array): Float32Array {
  checkSize('log_softmax', x, rows, cols);
  const y = out ?? new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const lse = rowLogSumExp(x, o, cols);
    for (let c = 0; c < cols; c++) y[o + c] = x[o + c]! - lse;
  }
  return y;
}

/** dx = y * (dy - sum(dy * y)), from the softmax output y. */
export function softmaxBackward(y: Float32Array, dy: Float32Array, rows: number, cols: number): Float32Array {
  checkSize('softmax_backward', y, rows, cols);
  const dx = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += dy[o + c]! * y[o + c]!;
    for (let c = 0; c < cols; c++) dx[o + c] = y[o + c]! * (dy[o + c]! - dot);
  }
  return dx;
}

/** dx = dy - exp(y) * sum(dy), from the log_softmax output y. */
export function logSoftmaxBackward(
  y: Float32Array,
  dy: Float32Array,
  rows: number,
  cols: number,
): Float32Array {
  checkSize('log_softmax_backward', y, rows, cols);
  const dx = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += dy[o + c]!;
    for (let c = 0; c < cols; c++) dx[o + c] = dy[o + c]! - Math.exp(y[o + c]!) * sum;
  }
  return dx;
}

export function rowMax(x: Float32Array, offset: number, cols: number): number {
  let max = -Infinity;
  for (let c = 0; c < cols; c++) max = Math.max(max, x[offset + c]!);
  return max;
}

export function rowLogSumExp(x: Float32Array, offset: number, cols: number): number {
  const max = rowMax(x, offset, cols);
  let sum = 0;
  for (let c = 0; c < cols; c++) sum += Math.exp(x[offset + c]! - max);
  return max + Math.log(sum);
}

function checkSize(name: string, x: Float32Array, rows: number, cols: number): void {
  if (x.length !== rows * cols)
    throw new RangeError(`${name}: expected ${rows}x${cols} elements, got ${x.length}`);
}
