/** Every shader's params schemas, by shader file: what test/gpu/params.test.ts checks each .wgsl against. */
import type { ParamsSchema, FieldType } from '../params.ts';
import { AttentionParams } from './attention.ts';
import { BinaryParams } from './binary.ts';
import { DropoutParams } from './dropout.ts';
import { EmbeddingParams } from './embedding.ts';
import { Im2colParams } from './im2col.ts';
import { LayerNormParams } from './layer-norm.ts';
import { MatmulParams } from './matmul.ts';
import { AdamParams, SgdParams } from './optimizer.ts';
import { PackParams } from './pack.ts';
import { PadParams } from './pad.ts';
import { Pool2dParams } from './pool2d.ts';
import { ReduceParams } from './reduce.ts';
import { ResizeParams } from './resize.ts';
import { SoftmaxParams } from './softmax.ts';
import { StridedCopyParams } from './strided-copy.ts';
import { UnaryParams } from './unary.ts';
import { WhereParams } from './where.ts';

export const SHADER_PARAMS: Readonly<Record<string, readonly ParamsSchema<Record<string, FieldType>>[]>> = {
  attention: [AttentionParams],
  attention_backward: [AttentionParams],
  /** Helpers the two attention shaders include: no params of their own. */
  attention_rows: [],
  binary: [BinaryParams],
  dropout: [DropoutParams],
  embedding: [EmbeddingParams],
  im2col: [Im2colParams],
  layer_norm: [LayerNormParams],
  matmul: [MatmulParams],
  optimizer: [SgdParams, AdamParams],
  pack: [PackParams],
  pad: [PadParams],
  pool2d: [Pool2dParams],
  reduce: [ReduceParams],
  resize: [ResizeParams],
  softmax: [SoftmaxParams],
  strided_copy: [StridedCopyParams],
  unary: [UnaryParams],
  where: [WhereParams],
};
