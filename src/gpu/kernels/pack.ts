/** Host side of shaders/pack.wgsl: strided, zero-padded copies of a batch of matrices. */
import type { StepEncoder } from '../dispatch.ts';
import { defineParams } from '../params.ts';
import type { GpuRuntime } from '../runtime.ts';

export const PackParams = defineParams('PackParams', {
  rows: 'u32',
  cols: 'u32',
  rowsPadded: 'u32',
  colsPadded: 'u32',
  srcBatch: 'u32',
  srcRow: 'u32',
  srcCol: 'u32',
});

const WG = 16;

export interface PackArgs {
  src: GPUBuffer;
  dst: GPUBuffer;
  batch: number;
  rows: number;
  cols: number;
  rowsPadded: number;
  colsPadded: number;
  /** Element strides in src of one batch, one row and one column. */
  srcBatch: number;
  srcRow: number;
  srcCol: number;
}

/** dst (batch, rowsPadded, colsPadded) = src viewed through the strides, zero outside (rows, cols). */
export function encodePack(runtime: GpuRuntime, step: StepEncoder, args: PackArgs): void {
  const pipeline = runtime.pipeline('pack', 'main', { WG_X: WG, WG_Y: WG });
  const { src, dst, batch, ...shape } = args;
  step.dispatch({
    pipeline,
    buffers: [src, dst],
    params: PackParams.pack(shape),
    workgroups: [Math.ceil(args.colsPadded / WG), Math.ceil(args.rowsPadded / WG), batch],
    label: 'pack',
  });
}

/** The TypeScript twin of the pack kernel. */
export function packTwin(src: Float32Array, a: Omit<PackArgs, 'src' | 'dst'>): Float32Array {
  const dst = new Float32Array(a.batch * a.rowsPadded * a.colsPadded);
  for (let z = 0; z < a.batch; z++) {
    for (let r = 0; r < a.rows; r++) {
      for (let c = 0; c < a.cols; c++) {
        dst[(z * a.rowsPadded + r) * a.colsPadded + c] = src[z * a.srcBatch + r * a.srcRow + c * a.srcCol]!;
      }
    }
  }
  return dst;
}
