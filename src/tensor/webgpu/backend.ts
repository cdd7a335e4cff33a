/**
 * The WebGPU backend: the Backend interface on the WGSL kernels of shaders/ (hosts in src/gpu/kernels/).
 * Every op records into one open step (memory.ts) and returns at once; `read` (or `flush`) submits the step
 * as ONE command buffer. Numerics follow the CPU backend's kernels, the WGSL kernels' twins.
 *
 * This file is the class, its lifecycle and memory ops; each kernel op delegates in one line to its family
 * module, which records on the backend's Recorder (recorder.ts): elementwise.ts, movement.ts, linalg.ts,
 * spatial.ts, rowwise.ts, indexing.ts, optimizer.ts, attention.ts, in the Backend interface's order.
 */
import type { AdapterSummary, RequestGpuOptions } from '../../gpu/device.ts';
import { GpuRuntime } from '../../gpu/runtime.ts';
import { preloadShaders } from '../../gpu/shader-source.ts';
import type {
  AdamHyper,
  AttentionGeometry,
  Backend,
  BinaryOp,
  Conv2dGeometry,
  DType,
  DeviceBuffer,
  HostArray,
  MatmulGeometry,
  Pool2dGeometry,
  ResizeGeometry,
  SoftmaxKind,
  ReduceOp,
  SgdHyper,
  Shape,
  UnaryGradOp,
  UnaryOp,
} from '../backend.ts';
import * as attention from './attention.ts';
import * as elementwise from './elementwise.ts';
import * as indexing from './indexing.ts';
import * as linalg from './linalg.ts';
import { GpuMemory, type GpuHandle, handleOf, wrap } from './memory.ts';
import * as movement from './movement.ts';
import * as optimizer from './optimizer.ts';
import { Recorder } from './recorder.ts';
import * as rowwise from './rowwise.ts';
import * as spatial from './spatial.ts';

const dtypeOf = (data: HostArray): DType => (data instanceof Float32Array ? 'float32' : 'int64');

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  private readonly mem: GpuMemory;
  /** What the kernel families record with: this runtime and this.mem's open step. */
  private readonly rec: Recorder;

  constructor(readonly runtime: GpuRuntime) {
    this.mem = new GpuMemory(runtime);
    this.rec = new Recorder(runtime, this.mem);
  }

  /** The adapter, when the runtime was made by GpuRuntime.create (requestGpu). */
  get adapter(): AdapterSummary | null {
    return this.runtime.context?.info ?? null;
  }

  /** Submits the recorded work now (a read does it too). */
  flush(): void {
    this.mem.flush();
  }

  /** Command buffers submitted so far: one per training step when nothing reads inside a step. */
  get submitCount(): number {
    return this.mem.submitCount;
  }

  /** Releases the pools (the device belongs to whoever made the runtime). */
  destroy(): void {
    this.mem.flush();
    this.mem.destroy();
    this.runtime.destroy();
  }

  // ---- memory -------------------------------------------------------------------------------------

  upload(data: HostArray): DeviceBuffer {
    const h = this.mem.alloc(data.length, dtypeOf(data));
    // A fresh buffer is unused by the open step, so a queue write (which runs before it) is in order.
    if (data.length > 0)
      this.runtime.device.queue.writeBuffer(h.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return wrap(h);
  }

  full(numel: number, value: number, dtype: DType): DeviceBuffer {
    const data = dtype === 'float32' ? new Float32Array(numel) : new Int32Array(numel);
    if (value !== 0) data.fill(value);
    return this.upload(data);
  }

  write(dst: DeviceBuffer, data: HostArray): void {
    const d = handleOf(dst);
    if (d.numel !== data.length || d.dtype !== dtypeOf(data)) throw new RangeError('write: size or dtype');
    if (data.length === 0) return;
    if (!this.mem.stepOpen) {
      this.runtime.device.queue.writeBuffer(d.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
      return;
    }
    // The open step may read dst before this write: copy within the step, in order.
    const staged = this.mem.stageUpload(data);
    this.mem.encoder().copy(staged, d.buffer, data.byteLength);
  }

  assign(dst: DeviceBuffer, src: DeviceBuffer): void {
    const d = handleOf(dst);
    const s = handleOf(src);
    if (d.numel !== s.numel || d.dtype !== s.dtype) throw new RangeError('assign: size or dtype');
    if (d === s || d.numel === 0) return;
    this.mem.encoder().copy(s.buffer, d.buffer, d.byteLength);
  }

  read(buf: DeviceBuffer, dtype: DType): Promise<HostArray> {
    return this.mem.read(handleOf(buf), dtype);
  }

  free(buf: DeviceBuffer): void {
    this.mem.free(buf as unknown as GpuHandle);
  }

  // ---- elementwise (elementwise.ts) ---------------------------------------------------------------

  unary(op: UnaryOp, x: DeviceBuffer, numel: number): DeviceBuffer {
    return elementwise.unary(this.rec, op, x, numel);
  }

  unaryGrad(op: UnaryGradOp, saved: DeviceBuffer, dy: DeviceBuffer, numel: number): DeviceBuffer {
    return elementwise.unaryGrad(this.rec, op, saved, dy, numel);
  }

  binary(op: BinaryOp, a: DeviceBuffer, aShape: Shape, b: DeviceBuffer, bShape: Shape): DeviceBuffer {
    return elementwise.binary(this.rec, op, a, aShape, b, bShape);
  }

  // ---- reductions and movement (movement.ts) ------------------------------------------------------

  reduce(op: ReduceOp, x: DeviceBuffer, shape: Shape, axes: readonly number[]): DeviceBuffer {
    return movement.reduce(this.rec, op, x, shape, axes);
  }

  expand(x: DeviceBuffer, shape: Shape, outShape: Shape): DeviceBuffer {
    return movement.expand(this.rec, x, shape, outShape);
  }

  permute(x: DeviceBuffer, shape: Shape, perm: readonly number[]): DeviceBuffer {
    return movement.permute(this.rec, x, shape, perm);
  }

  pad(x: DeviceBuffer, shape: Shape, before: readonly number[], after: readonly number[]): DeviceBuffer {
    return movement.pad(this.rec, x, shape, before, after);
  }

  where(
    cond: DeviceBuffer,
    condShape: Shape,
    a: DeviceBuffer,
    aShape: Shape,
    b: DeviceBuffer,
    bShape: Shape,
  ): DeviceBuffer {
    return movement.where(this.rec, cond, condShape, a, aShape, b, bShape);
  }

  // ---- linear algebra and convolutions (linalg.ts), pooling and resize (spatial.ts) ---------------

  matmul(a: DeviceBuffer, b: DeviceBuffer, g: MatmulGeometry): DeviceBuffer {
    return linalg.matmul(this.rec, a, b, g);
  }

  conv2d(x: DeviceBuffer, weight: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer {
    return linalg.conv2d(this.rec, x, weight, g);
  }

  conv2dBackwardInput(dy: DeviceBuffer, weight: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer {
    return linalg.conv2dBackwardInput(this.rec, dy, weight, g);
  }

  conv2dBackwardWeight(x: DeviceBuffer, dy: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer {
    return linalg.conv2dBackwardWeight(this.rec, x, dy, g);
  }

  maxPool2d(x: DeviceBuffer, g: Pool2dGeometry): { y: DeviceBuffer; indices: DeviceBuffer } {
    return spatial.maxPool2d(this.rec, x, g);
  }

  maxPool2dBackward(dy: DeviceBuffer, indices: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer {
    return spatial.maxPool2dBackward(this.rec, dy, indices, g);
  }

  avgPool2d(x: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer {
    return spatial.avgPool2d(this.rec, x, g);
  }

  avgPool2dBackward(dy: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer {
    return spatial.avgPool2dBackward(this.rec, dy, g);
  }

  resizeBilinear(x: DeviceBuffer, g: ResizeGeometry): DeviceBuffer {
    return spatial.resizeBilinear(this.rec, x, g);
  }

  // ---- fused row kernels (rowwise.ts) -------------------------------------------------------------

  softmax(kind: SoftmaxKind, x: DeviceBuffer, rows: number, cols: number): DeviceBuffer {
    return rowwise.softmax(this.rec, kind, x, rows, cols);
  }

  softmaxBackward(
    kind: SoftmaxKind,
    y: DeviceBuffer,
    dy: DeviceBuffer,
    rows: number,
    cols: number,
  ): DeviceBuffer {
    return rowwise.softmaxBackward(this.rec, kind, y, dy, rows, cols);
  }

  layerNorm(
    x: DeviceBuffer,
    gamma: DeviceBuffer,
    beta: DeviceBuffer,
    rows: number,
    d: number,
    eps: number,
  ): { y: DeviceBuffer; mean: DeviceBuffer; rstd: DeviceBuffer } {
    return rowwise.layerNorm(this.rec, x, gamma, beta, rows, d, eps);
  }

  layerNormBackward(
    dy: DeviceBuffer,
    x: DeviceBuffer,
    gamma: DeviceBuffer,
    mean: DeviceBuffer,
    rstd: DeviceBuffer,
    rows: number,
    d: number,
  ): { dx: DeviceBuffer; dgamma: DeviceBuffer; dbeta: DeviceBuffer } {
    return rowwise.layerNormBackward(this.rec, dy, x, gamma, mean, rstd, rows, d);
  }

  // ---- indexing and randomness (indexing.ts) ------------------------------------------------------

  embedding(weight: DeviceBuffer, indices: DeviceBuffer, count: number, dim: number): DeviceBuffer {
    return indexing.embedding(this.rec, weight, indices, count, dim);
  }

  embeddingBackward(
    dy: DeviceBuffer,
    indices: DeviceBuffer,
    count: number,
    rows: number,
    dim: number,
    paddingIdx: number | null,
  ): DeviceBuffer {
    return indexing.embeddingBackward(this.rec, dy, indices, count, rows, dim, paddingIdx);
  }

  oneHot(targets: DeviceBuffer, count: number, classes: number, ignoreIndex: number): DeviceBuffer {
    return indexing.oneHot(this.rec, targets, count, classes, ignoreIndex);
  }

  dropoutMask(numel: number, p: number, seed: number, offset: number): DeviceBuffer {
    return indexing.dropoutMask(this.rec, numel, p, seed, offset);
  }

  // ---- optimizer updates (optimizer.ts) -----------------------------------------------------------

  sgdStep(
    param: DeviceBuffer,
    grad: DeviceBuffer,
    momentumBuffer: DeviceBuffer | null,
    numel: number,
    h: SgdHyper,
  ): void {
    optimizer.sgdStep(this.rec, param, grad, momentumBuffer, numel, h);
  }

  adamStep(
    param: DeviceBuffer,
    grad: DeviceBuffer,
    expAvg: DeviceBuffer,
    expAvgSq: DeviceBuffer,
    maxExpAvgSq: DeviceBuffer | null,
    numel: number,
    h: AdamHyper,
  ): void {
    optimizer.adamStep(this.rec, param, grad, expAvg, expAvgSq, maxExpAvgSq, numel, h);
  }

  // ---- fused causal attention (attention.ts) ------------------------------------------------------

  attention(
    q: DeviceBuffer,
    k: DeviceBuffer,
    v: DeviceBuffer,
    g: AttentionGeometry,
  ): { out: DeviceBuffer; probs: DeviceBuffer } {
    return attention.attention(this.rec, q, k, v, g);
  }

  attentionBackward(
    q: DeviceBuffer,
    k: DeviceBuffer,
    v: DeviceBuffer,
    probs: DeviceBuffer,
    out: DeviceBuffer,
    dOut: DeviceBuffer,
    g: AttentionGeometry,
  ): { dq: DeviceBuffer; dk: DeviceBuffer; dv: DeviceBuffer } {
    return attention.attentionBackward(this.rec, q, k, v, probs, out, dOut, g);
  }
}

export interface WebGpuBackendOptions extends RequestGpuOptions {
  /** Use this runtime (and its device) rather than requesting a new device. */
  runtime?: GpuRuntime;
}

/** A WebGPU backend on a new device (browser: navigator.gpu; Node: the `webgpu` package). */
export async function createWebGpuBackend(opts: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const { runtime, ...request } = opts;
  await preloadShaders();
  return new WebGpuBackend(runtime ?? (await GpuRuntime.create(request)));
}
