/**
 * What a device must implement: a small set of kernels on opaque buffers. The op table (ops.ts) and
 * autograd call only these, so the CPU backend (cpu-backend.ts) and a WebGPU backend are interchangeable.
 *
 * Rules every backend keeps, so that a GPU backend can record a whole training step into ONE command
 * buffer with no readback inside it:
 * - Every kernel returns at once with a fresh buffer (or writes in place where it says so); nothing here
 *   returns a host value except `read`/`readSync`. Scalars that depend on data (a loss's divisor, a mean)
 *   stay on the device as buffers.
 * - All buffers are contiguous in C order; shapes travel beside them as plain arrays.
 * - float32 buffers hold float32; 'int64' buffers hold class ids / indices as int32 (see DType).
 * - Host-side scalars (learning rate, bias corrections, dropout seeds) are plain arguments.
 */
import type { AttentionGeometry } from '../kernels/attention.ts';
import type { BinaryOp } from '../kernels/binary.ts';
import type { Conv2dShape as Conv2dGeometry } from '../kernels/conv2d.ts';
import type { AdamHyper, SgdOptions as SgdHyper } from '../kernels/optimizer.ts';
import type { Pool2dShape as Pool2dGeometry } from '../kernels/pool2d.ts';
import type { ResizeShape as ResizeGeometry } from '../kernels/resize.ts';
import type { SoftmaxKind } from '../kernels/softmax.ts';

/**
 * 'int64' is torch's dtype for class targets and indices (`torch.long`). Its buffers hold int32 values
 * (CPU: Int32Array; WGSL has no 64-bit integers): ids must lie in [-2^31, 2^31). Checkpoints still read
 * and write it as int64 (nn/state-dict.ts converts).
 */
export type DType = 'float32' | 'int64';

export type Shape = readonly number[];

/** An opaque handle to device memory. Only the backend that made it may look inside. */
export interface DeviceBuffer {
  readonly __deviceBuffer: unique symbol;
}

export type HostArray = Float32Array | Int32Array;

/** Elementwise unary kernels (forward). */
export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'relu' | 'tanh' | 'sigmoid' | 'erf';
/** Unary ops whose backward is one fused kernel dx = dy * f'(saved); saved is x (relu, erf) or y (the others). */
export type UnaryGradOp = 'relu' | 'tanh' | 'sigmoid' | 'sqrt' | 'erf';
export type { BinaryOp };
export type ReduceOp = 'sum' | 'max';

export interface MatmulGeometry {
  batch: number;
  m: number;
  k: number;
  n: number;
  /** A stored (k, m) rather than (m, k). */
  transA: boolean;
  /** B stored (n, k) rather than (k, n). */
  transB: boolean;
  /** A and B may each hold one matrix shared by every batch. */
  aBatched: boolean;
  bBatched: boolean;
}

// The geometry and optimizer-hyperparameter types are defined once, beside their kernels (src/kernels), under
// the names the Backend interface uses.
// Conv2dGeometry: NCHW conv2d, groups = 1. Pool2dGeometry: NCHW pooling, ceil_mode = False.
// SgdHyper: torch.optim.SGD's single-tensor update. AdamHyper: Adam / AdamW with host-computed scalars.
// ResizeGeometry: NCHW bilinear resize, align_corners = False.
export type { Conv2dGeometry, Pool2dGeometry, ResizeGeometry, SgdHyper, AdamHyper, SoftmaxKind };
// AttentionGeometry: (heads, t, d) views of (B, H, T, D) and the scale on q . k (src/kernels/attention.ts).
export type { AttentionGeometry };

export interface Backend {
  readonly name: string;

  // Memory.
  upload(data: HostArray): DeviceBuffer;
  full(numel: number, value: number, dtype: DType): DeviceBuffer;
  /** Overwrites `dst` in place from host data of the same length (load_state_dict keeps buffer identity). */
  write(dst: DeviceBuffer, data: HostArray): void;
  /** Overwrites `dst` in place with `src` (same length and dtype). */
  assign(dst: DeviceBuffer, src: DeviceBuffer): void;
  /** Ends the step's recording (GPU: submit) and resolves with a host copy. */
  read(buf: DeviceBuffer, dtype: DType): Promise<HostArray>;
  /** Submits what the open step recorded without reading anything (GPU); absent where nothing is deferred. */
  flush?(): void;
  /** Synchronous read, where the device allows it (the CPU backend does; WebGPU does not). */
  readSync?(buf: DeviceBuffer, dtype: DType): HostArray;
  /** Drops the buffer early (GPU pools reuse it); optional, garbage collection suffices on the CPU. */
  free?(buf: DeviceBuffer): void;

  // Elementwise.
  unary(op: UnaryOp, x: DeviceBuffer, numel: number): DeviceBuffer;
  unaryGrad(op: UnaryGradOp, saved: DeviceBuffer, dy: DeviceBuffer, numel: number): DeviceBuffer;
  /** numpy broadcasting; comparisons yield 1 or 0 as float32. */
  binary(op: BinaryOp, a: DeviceBuffer, aShape: Shape, b: DeviceBuffer, bShape: Shape): DeviceBuffer;

  // Reductions and movement.
  /** Reduces `axes` (sorted, non-empty) of x; the result has keepdim shape (those axes of size 1). */
  reduce(op: ReduceOp, x: DeviceBuffer, shape: Shape, axes: readonly number[]): DeviceBuffer;
  /** Broadcasts x to `outShape` (numpy rules), materialised. */
  expand(x: DeviceBuffer, shape: Shape, outShape: Shape): DeviceBuffer;
  /** Output dim i is input dim perm[i]; materialised. */
  permute(x: DeviceBuffer, shape: Shape, perm: readonly number[]): DeviceBuffer;
  /**
   * Zero padding of x (contiguous, `shape`) by before[d] / after[d] elements along each dim d; a negative
   * amount crops, so this is narrow too (torch's F.pad with negative pads). 32-bit values of either dtype.
   */
  pad(x: DeviceBuffer, shape: Shape, before: readonly number[], after: readonly number[]): DeviceBuffer;
  /** torch.where: cond != 0 ? a : b elementwise, broadcasting all three (cond is float32 0/1). */
  where(
    cond: DeviceBuffer,
    condShape: Shape,
    a: DeviceBuffer,
    aShape: Shape,
    b: DeviceBuffer,
    bShape: Shape,
  ): DeviceBuffer;

  // Linear algebra and convolutions.
  /** (batch, m, n) = op(A) @ op(B). */
  matmul(a: DeviceBuffer, b: DeviceBuffer, g: MatmulGeometry): DeviceBuffer;
  conv2d(x: DeviceBuffer, weight: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer;
  conv2dBackwardInput(dy: DeviceBuffer, weight: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer;
  conv2dBackwardWeight(x: DeviceBuffer, dy: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer;
  /** y and the argmax of each window as a flat offset in its (h, w) plane ('int64' buffer). */
  maxPool2d(x: DeviceBuffer, g: Pool2dGeometry): { y: DeviceBuffer; indices: DeviceBuffer };
  maxPool2dBackward(dy: DeviceBuffer, indices: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer;
  /** count_include_pad = True (torch's default). */
  avgPool2d(x: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer;
  avgPool2dBackward(dy: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer;
  /**
   * F.interpolate(mode='bilinear', align_corners=False) to an output size, forward only (no op of the
   * autograd table uses it yet): what the draw pad resizes with, src/kernels/resize.ts on every backend.
   */
  resizeBilinear(x: DeviceBuffer, g: ResizeGeometry): DeviceBuffer;

  // Fused row kernels (src/kernels/softmax.ts on the CPU, shaders/softmax.wgsl on WebGPU).
  /** softmax or log_softmax over the last dim of a (rows, cols) view. */
  softmax(kind: SoftmaxKind, x: DeviceBuffer, rows: number, cols: number): DeviceBuffer;
  /** Its input gradient from the forward output y and dy. */
  softmaxBackward(
    kind: SoftmaxKind,
    y: DeviceBuffer,
    dy: DeviceBuffer,
    rows: number,
    cols: number,
  ): DeviceBuffer;

  /**
   * layer_norm over the last d of a (rows, d) view with gamma and beta (d each; ones and zeros without
   * affine); mean and rstd = 1 / sqrt(var + eps) per row, for the backward.
   */
  layerNorm(
    x: DeviceBuffer,
    gamma: DeviceBuffer,
    beta: DeviceBuffer,
    rows: number,
    d: number,
    eps: number,
  ): { y: DeviceBuffer; mean: DeviceBuffer; rstd: DeviceBuffer };
  layerNormBackward(
    dy: DeviceBuffer,
    x: DeviceBuffer,
    gamma: DeviceBuffer,
    mean: DeviceBuffer,
    rstd: DeviceBuffer,
    rows: number,
    d: number,
  ): { dx: DeviceBuffer; dgamma: DeviceBuffer; dbeta: DeviceBuffer };

  // Indexing and randomness.
  /** Rows of weight (rows, dim) picked by `indices` ('int64', count entries): (count, dim). */
  embedding(weight: DeviceBuffer, indices: DeviceBuffer, count: number, dim: number): DeviceBuffer;
  /** Scatter-add of dy (count, dim) into a zero (rows, dim); indices equal to paddingIdx add nothing. */
  embeddingBackward(
    dy: DeviceBuffer,
    indices: DeviceBuffer,
    count: number,
    rows: number,
    dim: number,
    paddingIdx: number | null,
  ): DeviceBuffer;
  /** (count, classes) float32 of 0/1; a target equal to ignoreIndex gives a zero row. Out-of-range throws
   * on the CPU; a GPU backend gives a zero row (it cannot throw inside a step). */
  oneHot(targets: DeviceBuffer, count: number, classes: number, ignoreIndex: number): DeviceBuffer;
  /**
   * Dropout mask: 0 with probability p, else 1/(1-p). Element i takes word i % 4 of Philox4x32-10 at counter
   * (i / 4, 0, offset, 0) with key philoxKey(seed) (random.ts): src/kernels/dropout.ts, bit for bit on every
   * backend. `offset` (a u32) separates calls sharing a seed.
   */
  dropoutMask(numel: number, p: number, seed: number, offset: number): DeviceBuffer;

  // Optimizer updates, in place on param and state.
  sgdStep(
    param: DeviceBuffer,
    grad: DeviceBuffer,
    momentumBuffer: DeviceBuffer | null,
    numel: number,
    h: SgdHyper,
  ): void;
  adamStep(
    param: DeviceBuffer,
    grad: DeviceBuffer,
    expAvg: DeviceBuffer,
    expAvgSq: DeviceBuffer,
    maxExpAvgSq: DeviceBuffer | null,
    numel: number,
    h: AdamHyper,
  ): void;

  // Fused causal attention (src/kernels/attention.ts, shaders/attention.wgsl): the kernels take D a multiple
  // of 4 (attentionKernelFits); functional/attention.ts composes anything else.
  /** softmax(scale q k^T, causal) v: out (heads, t, d), and P (heads, t, t) for the backward. */
  attention(
    q: DeviceBuffer,
    k: DeviceBuffer,
    v: DeviceBuffer,
    g: AttentionGeometry,
  ): { out: DeviceBuffer; probs: DeviceBuffer };
  /** dq, dk, dv from dOut and the forward's inputs, P and out. */
  attentionBackward(
    q: DeviceBuffer,
    k: DeviceBuffer,
    v: DeviceBuffer,
    probs: DeviceBuffer,
    out: DeviceBuffer,
    dOut: DeviceBuffer,
    g: AttentionGeometry,
  ): { dq: DeviceBuffer; dk: DeviceBuffer; dv: DeviceBuffer };
}
