/**
 * The WebGPU backend: the Backend interface on the WGSL kernels of shaders/ (hosts in src/gpu/kernels/).
 * Every op records into one open step (memory.ts) and returns at once; `read` (or `flush`) submits the step
 * as ONE command buffer. Numerics follow the CPU backend's kernels, the WGSL kernels' twins.
 */
import { broadcastShapes, sizeOf } from '../../kernels/broadcast.ts';
import { conv2dOutSize } from '../../kernels/conv2d.ts';
import { pool2dOutSize } from '../../kernels/pool2d.ts';
import type { AdapterSummary, RequestGpuOptions } from '../../gpu/device.ts';
import { encodeAttention, encodeAttentionBackward } from '../../gpu/kernels/attention.ts';
import { encodeBinary } from '../../gpu/kernels/binary.ts';
import {
  encodeConv2d,
  encodeConv2dBackwardInput,
  encodeConv2dBackwardWeight,
} from '../../gpu/kernels/conv2d.ts';
import { encodeDropoutMask } from '../../gpu/kernels/dropout.ts';
import { encodeEmbedding, encodeEmbeddingBackward, encodeOneHot } from '../../gpu/kernels/embedding.ts';
import { encodeMatmul } from '../../gpu/kernels/matmul.ts';
import { encodePad } from '../../gpu/kernels/pad.ts';
import { encodeWhere } from '../../gpu/kernels/where.ts';
import { encodeAdamUpdate, encodeSgd } from '../../gpu/kernels/optimizer.ts';
import {
  encodeAvgPool2d,
  encodeAvgPool2dBackward,
  encodeMaxPool2d,
  encodeMaxPool2dBackward,
} from '../../gpu/kernels/pool2d.ts';
import { encodeReduce } from '../../gpu/kernels/reduce.ts';
import { encodeResizeBilinear } from '../../gpu/kernels/resize.ts';
import { encodeSoftmax, encodeSoftmaxBackward } from '../../gpu/kernels/softmax.ts';
import { encodeStridedCopy } from '../../gpu/kernels/strided-copy.ts';
import { expandStrides, permuteStrides } from '../../kernels/strided-copy.ts';
import { paddedShape } from '../../kernels/pad.ts';
import { whereShape } from '../../kernels/where.ts';
import { encodeUnary, encodeUnaryBackward } from '../../gpu/kernels/unary.ts';
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
import { philoxKey } from '../random.ts';
import { GpuMemory, type GpuHandle, handleOf, wrap } from './memory.ts';

const dtypeOf = (data: HostArray): DType => (data instanceof Float32Array ? 'float32' : 'int64');

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  private readonly mem: GpuMemory;

  constructor(readonly runtime: GpuRuntime) {
    this.mem = new GpuMemory(runtime);
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

  // ---- elementwise --------------------------------------------------------------------------------

  unary(op: UnaryOp, x: DeviceBuffer, numel: number): DeviceBuffer {
    const y = this.mem.alloc(numel, 'float32');
    encodeUnary(this.runtime, this.mem.encoder(), { op, x: this.f32(x), y: y.buffer, n: numel });
    return wrap(y);
  }

  unaryGrad(op: UnaryGradOp, saved: DeviceBuffer, dy: DeviceBuffer, numel: number): DeviceBuffer {
    const dx = this.mem.alloc(numel, 'float32');
    encodeUnaryBackward(this.runtime, this.mem.encoder(), {
      op,
      saved: this.f32(saved),
      dy: this.f32(dy),
      dx: dx.buffer,
      n: numel,
    });
    return wrap(dx);
  }

  binary(op: BinaryOp, a: DeviceBuffer, aShape: Shape, b: DeviceBuffer, bShape: Shape): DeviceBuffer {
    const out = this.mem.alloc(sizeOf(broadcastShapes(aShape, bShape)), 'float32');
    encodeBinary(this.runtime, this.mem.encoder(), {
      op,
      a: this.f32(a),
      aShape,
      b: this.f32(b),
      bShape,
      out: out.buffer,
    });
    return wrap(out);
  }

  // ---- reductions and movement --------------------------------------------------------------------

  reduce(op: ReduceOp, x: DeviceBuffer, shape: Shape, axes: readonly number[]): DeviceBuffer {
    const out = this.mem.alloc(sizeOf(shape.map((d, i) => (axes.includes(i) ? 1 : d))), 'float32');
    encodeReduce(this.runtime, this.mem.encoder(), {
      op,
      x: this.f32(x),
      shape,
      axes,
      keepdim: true,
      out: out.buffer,
    });
    return wrap(out);
  }

  expand(x: DeviceBuffer, shape: Shape, outShape: Shape): DeviceBuffer {
    return this.stridedCopy(x, outShape, expandStrides(shape, outShape));
  }

  permute(x: DeviceBuffer, shape: Shape, perm: readonly number[]): DeviceBuffer {
    const { outShape, strides } = permuteStrides(shape, perm);
    return this.stridedCopy(x, outShape, strides);
  }

  pad(x: DeviceBuffer, shape: Shape, before: readonly number[], after: readonly number[]): DeviceBuffer {
    const src = handleOf(x);
    const out = this.mem.alloc(sizeOf(paddedShape(shape, before, after)), src.dtype);
    encodePad(this.runtime, this.mem.encoder(), { src: src.buffer, out: out.buffer, shape, before, after });
    return wrap(out);
  }

  where(
    cond: DeviceBuffer,
    condShape: Shape,
    a: DeviceBuffer,
    aShape: Shape,
    b: DeviceBuffer,
    bShape: Shape,
  ): DeviceBuffer {
    const out = this.mem.alloc(sizeOf(whereShape(condShape, aShape, bShape)), 'float32');
    encodeWhere(this.runtime, this.mem.encoder(), {
      cond: this.f32(cond),
      condShape,
      a: this.f32(a),
      aShape,
      b: this.f32(b),
      bShape,
      out: out.buffer,
    });
    return wrap(out);
  }

  private stridedCopy(x: DeviceBuffer, outShape: Shape, strides: readonly number[]): DeviceBuffer {
    const src = handleOf(x);
    const out = this.mem.alloc(sizeOf(outShape), src.dtype);
    encodeStridedCopy(this.runtime, this.mem.encoder(), {
      src: src.buffer,
      out: out.buffer,
      outShape,
      strides,
    });
    return wrap(out);
  }

  // ---- linear algebra and convolutions ------------------------------------------------------------

  matmul(a: DeviceBuffer, b: DeviceBuffer, g: MatmulGeometry): DeviceBuffer {
    const ha = handleOf(a);
    const hb = handleOf(b);
    const aLength = (g.aBatched ? g.batch : 1) * g.m * g.k;
    const bLength = (g.bBatched ? g.batch : 1) * g.k * g.n;
    if (ha.numel !== aLength) throw new RangeError('matmul: A size');
    if (hb.numel !== bLength) throw new RangeError('matmul: B size');
    const out = this.mem.alloc(g.batch * g.m * g.n, 'float32');
    encodeMatmul(this.runtime, this.mem.encoder(), {
      batch: g.batch,
      m: g.m,
      k: g.k,
      n: g.n,
      transA: g.transA,
      transB: g.transB,
      a: ha.buffer,
      b: hb.buffer,
      out: out.buffer,
      aLength,
      bLength,
    });
    return wrap(out);
  }

  conv2d(x: DeviceBuffer, weight: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer {
    const { hOut, wOut } = conv2dOutSize(g);
    const y = this.mem.alloc(g.n * g.cOut * hOut * wOut, 'float32'); // (N, O, Ho, Wo)
    encodeConv2d(this.runtime, this.mem.encoder(), {
      x: this.f32(x),
      weight: this.f32(weight),
      bias: null,
      y: y.buffer,
      shape: g,
    });
    return wrap(y);
  }

  conv2dBackwardInput(dy: DeviceBuffer, weight: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer {
    const dx = this.mem.alloc(g.n * g.cIn * g.h * g.w, 'float32'); // (N, C, H, W)
    encodeConv2dBackwardInput(this.runtime, this.mem.encoder(), {
      dy: this.f32(dy),
      weight: this.f32(weight),
      dx: dx.buffer,
      shape: g,
    });
    return wrap(dx);
  }

  conv2dBackwardWeight(x: DeviceBuffer, dy: DeviceBuffer, g: Conv2dGeometry): DeviceBuffer {
    const dw = this.mem.alloc(g.cOut * g.cIn * g.kH * g.kW, 'float32'); // (O, C, kH, kW)
    encodeConv2dBackwardWeight(this.runtime, this.mem.encoder(), {
      x: this.f32(x),
      dy: this.f32(dy),
      dweight: dw.buffer,
      shape: g,
    });
    return wrap(dw);
  }

  maxPool2d(x: DeviceBuffer, g: Pool2dGeometry): { y: DeviceBuffer; indices: DeviceBuffer } {
    const { hOut, wOut } = pool2dOutSize(g);
    const outNumel = g.n * g.c * hOut * wOut; // (N, C, Ho, Wo)
    const y = this.mem.alloc(outNumel, 'float32');
    const indices = this.mem.alloc(outNumel, 'int64');
    encodeMaxPool2d(this.runtime, this.mem.encoder(), {
      x: this.f32(x),
      y: y.buffer,
      indices: indices.buffer,
      shape: g,
    });
    return { y: wrap(y), indices: wrap(indices) };
  }

  maxPool2dBackward(dy: DeviceBuffer, indices: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer {
    const dx = this.mem.alloc(g.n * g.c * g.h * g.w, 'float32');
    encodeMaxPool2dBackward(this.runtime, this.mem.encoder(), {
      dy: this.f32(dy),
      indices: this.i32(indices),
      dx: dx.buffer,
      shape: g,
    });
    return wrap(dx);
  }

  avgPool2d(x: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer {
    const { hOut, wOut } = pool2dOutSize({ ...g, dilH: 1, dilW: 1 }); // avg_pool2d has no dilation
    const y = this.mem.alloc(g.n * g.c * hOut * wOut, 'float32');
    encodeAvgPool2d(this.runtime, this.mem.encoder(), { x: this.f32(x), y: y.buffer, shape: g });
    return wrap(y);
  }

  avgPool2dBackward(dy: DeviceBuffer, g: Pool2dGeometry): DeviceBuffer {
    const dx = this.mem.alloc(g.n * g.c * g.h * g.w, 'float32');
    encodeAvgPool2dBackward(this.runtime, this.mem.encoder(), { dy: this.f32(dy), dx: dx.buffer, shape: g });
    return wrap(dx);
  }

  softmax(kind: SoftmaxKind, x: DeviceBuffer, rows: number, cols: number): DeviceBuffer {
    const y = this.mem.alloc(rows * cols, 'float32');
    encodeSoftmax(this.runtime, this.mem.encoder(), { kind, x: this.f32(x), y: y.buffer, rows, cols });
    return wrap(y);
  }

  softmaxBackward(
    kind: SoftmaxKind,
    y: DeviceBuffer,
    dy: DeviceBuffer,
    rows: number,
    cols: number,
  ): DeviceBuffer {
    const dx = this.mem.alloc(rows * cols, 'float32');
    const args = { kind, y: this.f32(y), dy: this.f32(dy), dx: dx.buffer, rows, cols };
    encodeSoftmaxBackward(this.runtime, this.mem.encoder(), args);
    return wrap(dx);
  }

  resizeBilinear(x: DeviceBuffer, g: ResizeGeometry): DeviceBuffer {
    const y = this.mem.alloc(g.n * g.c * g.hOut * g.wOut, 'float32');
    encodeResizeBilinear(this.runtime, this.mem.encoder(), { x: this.f32(x), y: y.buffer, shape: g });
    return wrap(y);
  }

  // ---- indexing and randomness --------------------------------------------------------------------

  embedding(weight: DeviceBuffer, indices: DeviceBuffer, count: number, dim: number): DeviceBuffer {
    const w = handleOf(weight);
    const out = this.mem.alloc(count * dim, 'float32');
    encodeEmbedding(this.runtime, this.mem.encoder(), {
      weight: w.buffer,
      indices: this.i32(indices),
      out: out.buffer,
      n: count,
      numEmbeddings: w.numel / dim,
      dim,
    });
    return wrap(out);
  }

  embeddingBackward(
    dy: DeviceBuffer,
    indices: DeviceBuffer,
    count: number,
    rows: number,
    dim: number,
    paddingIdx: number | null,
  ): DeviceBuffer {
    const dw = this.mem.alloc(rows * dim, 'float32');
    encodeEmbeddingBackward(this.runtime, this.mem.encoder(), {
      dy: this.f32(dy),
      indices: this.i32(indices),
      dweight: dw.buffer,
      n: count,
      numEmbeddings: rows,
      dim,
      paddingIdx: paddingIdx !== null && paddingIdx >= 0 && paddingIdx < rows ? paddingIdx : null,
    });
    return wrap(dw);
  }

  oneHot(targets: DeviceBuffer, count: number, classes: number, ignoreIndex: number): DeviceBuffer {
    const out = this.mem.alloc(count * classes, 'float32');
    encodeOneHot(this.runtime, this.mem.encoder(), {
      targets: this.i32(targets),
      out: out.buffer,
      n: count,
      classes,
      ignoreIndex,
    });
    return wrap(out);
  }

  dropoutMask(numel: number, p: number, seed: number, offset: number): DeviceBuffer {
    const mask = this.mem.alloc(numel, 'float32');
    encodeDropoutMask(this.runtime, this.mem.encoder(), {
      mask: mask.buffer,
      n: numel,
      options: { p, seed: philoxKey(seed), offset },
    });
    return wrap(mask);
  }

  // ---- optimizer updates --------------------------------------------------------------------------

  sgdStep(
    param: DeviceBuffer,
    grad: DeviceBuffer,
    momentumBuffer: DeviceBuffer | null,
    numel: number,
    h: SgdHyper,
  ): void {
    encodeSgd(this.runtime, this.mem.encoder(), {
      grad: this.f32(grad),
      param: this.f32(param),
      momentumBuffer: momentumBuffer === null ? null : this.f32(momentumBuffer),
      n: numel,
      options: h,
    });
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
    encodeAdamUpdate(this.runtime, this.mem.encoder(), {
      grad: this.f32(grad),
      param: this.f32(param),
      expAvg: this.f32(expAvg),
      expAvgSq: this.f32(expAvgSq),
      maxExpAvgSq: maxExpAvgSq === null ? null : this.f32(maxExpAvgSq),
      n: numel,
      options: { ...h, amsgrad: maxExpAvgSq !== null },
      scalars: { stepSize: h.stepSize, biasCorrection2Sqrt: h.biasCorrection2Sqrt },
    });
  }

  // ---- fused causal attention ---------------------------------------------------------------------

  attention(
    q: DeviceBuffer,
    k: DeviceBuffer,
    v: DeviceBuffer,
    g: AttentionGeometry,
  ): { out: DeviceBuffer; probs: DeviceBuffer } {
    const out = this.mem.alloc(g.heads * g.t * g.d, 'float32'); // (heads, t, d)
    const probs = this.mem.alloc(g.heads * g.t * g.t, 'float32'); // (heads, t, t)
    encodeAttention(this.runtime, this.mem.encoder(), {
      q: this.f32(q),
      k: this.f32(k),
      v: this.f32(v),
      out: out.buffer,
      probs: probs.buffer,
      g,
    });
    return { out: wrap(out), probs: wrap(probs) };
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
    const numel = g.heads * g.t * g.d;
    const [dq, dk, dv] = [0, 1, 2].map(() => this.mem.alloc(numel, 'float32')) as [
      GpuHandle,
      GpuHandle,
      GpuHandle,
    ];
    encodeAttentionBackward(this.runtime, this.mem.encoder(), {
      q: this.f32(q),
      k: this.f32(k),
      v: this.f32(v),
      probs: this.f32(probs),
      out: this.f32(out),
      dOut: this.f32(dOut),
      dq: dq.buffer,
      dk: dk.buffer,
      dv: dv.buffer,
      g,
    });
    return { dq: wrap(dq), dk: wrap(dk), dv: wrap(dv) };
  }

  private f32(b: DeviceBuffer): GPUBuffer {
    const h = handleOf(b);
    if (h.dtype !== 'float32') throw new TypeError('webgpu backend: expected a float32 buffer');
    return h.buffer;
  }

  private i32(b: DeviceBuffer): GPUBuffer {
    const h = handleOf(b);
    if (h.dtype !== 'int64') throw new TypeError('webgpu backend: expected an int64 (int32-backed) buffer');
    return h.buffer;
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
