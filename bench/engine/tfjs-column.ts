/// <reference types="vite/client" />
/**
 * TensorFlow.js 4.22's columns, in the page: the same matmuls and the same two models, written in TF.js's
 * own idiom (NHWC, tf.variable weights, optimizer.minimize(f, true) returning the loss), synchronised by
 * reading the loss (`await loss.data()`: the asynchronous read, TF.js's fast path on WebGPU).
 * The WASM backend's .wasm files come from node_modules through Vite's `?url` imports. Without
 * cross-origin isolation the page has no SharedArrayBuffer, so WASM runs single-threaded (with SIMD).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import { Generator } from '../../src/tensor/random.ts';
import { randomBatch, randomMatrix, uniformInit } from './data.ts';
import { sample } from './timing.ts';
import {
  type Cell,
  type CellBudget,
  LEARNING_RATE,
  type RowName,
  SEED,
  cnn,
  matmulSizes,
  mlp,
} from './workloads.ts';

export type TfjsBackendName = 'webgpu' | 'webgl' | 'wasm';

export class TfjsColumn {
  private constructor(readonly backendName: TfjsBackendName) {}

  static async create(backendName: TfjsBackendName): Promise<TfjsColumn> {
    if (backendName === 'wasm') {
      setWasmPaths({
        'tfjs-backend-wasm.wasm': wasmUrl,
        'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
      });
    }
    if (!(await tf.setBackend(backendName))) throw new Error(`tfjs: backend ${backendName} failed to start`);
    await tf.ready();
    return new TfjsColumn(backendName);
  }

  async cell(row: RowName, budget: CellBudget): Promise<Cell> {
    const n = matmulSizes[row];
    if (n !== undefined) return matmulCell(n, budget);
    const model = row === 'mlp steps/s' ? mlpModel() : cnnModel();
    try {
      return await trainCell(model, budget);
    } catch (error) {
      // TF.js WASM lacks gradient kernels (e.g. Conv2DBackpropFilter, MaxPoolGrad): a null cell, not a crash.
      return {
        value: null,
        note: `tfjs-${this.backendName}: ${String(error instanceof Error ? error.message : error)}`,
      };
    } finally {
      tf.dispose(model.variables);
      tf.dispose([model.x, model.labels]);
    }
  }
}

async function matmulCell(n: number, budget: CellBudget): Promise<Cell> {
  const a = tf.tensor2d(randomMatrix(n, SEED), [n, n]);
  const b = tf.tensor2d(randomMatrix(n, SEED + 1), [n, n]);
  const once = async (): Promise<void> => {
    const one = tf.tidy(() => tf.matMul(a, b).slice([0, 0], [1, 1])); // (n, n) -> (1, 1)
    await one.data();
    one.dispose();
  };
  try {
    const { median, samples } = await sample(once, budget);
    return { value: (2 * n ** 3) / median / 1e9, samples };
  } finally {
    tf.dispose([a, b]);
  }
}

interface TfModel {
  variables: tf.Variable[];
  x: tf.Tensor;
  labels: tf.Tensor2D;
  logits(): tf.Tensor2D;
}

async function trainCell(model: TfModel, budget: CellBudget): Promise<Cell> {
  const optimizer = tf.train.sgd(LEARNING_RATE);
  const once = async (): Promise<void> => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(model.labels, model.logits()), true);
    if (loss === null) throw new Error('minimize returned no loss');
    await loss.data();
    loss.dispose();
  };
  try {
    const { median, samples } = await sample(once, budget);
    return { value: 1 / median, samples };
  } finally {
    optimizer.dispose();
  }
}

function variable(shape: number[], fanIn: number, gen: Generator): tf.Variable {
  return tf.variable(tf.tensor(uniformInit(shape, fanIn, gen), shape));
}

function oneHotLabels(labels: Int32Array, classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat() as tf.Tensor2D);
}

function mlpModel(): TfModel {
  const gen = new Generator(SEED);
  const w1 = variable([784, 128], 784, gen);
  const b1 = variable([128], 784, gen);
  const w2 = variable([128, 10], 128, gen);
  const b2 = variable([10], 128, gen);
  const data = randomBatch(mlp.batch, mlp.input, mlp.classes, SEED);
  const x = tf.tensor2d(data.x, [mlp.batch, 784]);
  return {
    variables: [w1, b1, w2, b2],
    x,
    labels: oneHotLabels(data.labels, mlp.classes),
    logits: () => tf.relu(tf.matMul(x, w1).add(b1)).matMul(w2).add(b2), // (B, 784) -> (B, 128) -> (B, 10)
  };
}

function cnnModel(): TfModel {
  const gen = new Generator(SEED);
  const k1 = variable([3, 3, 1, 8], 9, gen);
  const c1 = variable([8], 9, gen);
  const k2 = variable([3, 3, 8, 16], 72, gen);
  const c2 = variable([16], 72, gen);
  const w = variable([400, 10], 400, gen);
  const b = variable([10], 400, gen);
  const data = randomBatch(cnn.batch, cnn.input, cnn.classes, SEED);
  const x = tf.tensor4d(data.x, [cnn.batch, 28, 28, 1]); // NHWC: TF.js's native layout
  const logits = (): tf.Tensor2D => {
    let h = tf.relu(tf.conv2d(x, k1 as tf.Tensor4D, 1, 'valid').add(c1)) as tf.Tensor4D; // (B, 26, 26, 8)
    h = tf.maxPool(h, 2, 2, 'valid'); // (B, 13, 13, 8)
    h = tf.relu(tf.conv2d(h, k2 as tf.Tensor4D, 1, 'valid').add(c2)) as tf.Tensor4D; // (B, 11, 11, 16)
    h = tf.maxPool(h, 2, 2, 'valid'); // (B, 5, 5, 16)
    return h.reshape([cnn.batch, 400]).matMul(w).add(b); // (B, 400) -> (B, 10)
  };
  return { variables: [k1, c1, k2, c2, w, b], x, labels: oneHotLabels(data.labels, cnn.classes), logits };
}
