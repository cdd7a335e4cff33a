/**
 * `model.eval()` made visible: one model's outputs for the same rows in training mode (BatchNorm normalizes
 * with the batch's statistics, Dropout drops) and in eval mode (running statistics, Dropout off). Each mode
 * runs on its own fresh copy of the state_dict, because a training-mode forward moves BatchNorm's running
 * statistics, in torch as here, even without gradients.
 */
import type { PyDict } from '../../checkpoint/index.ts';
import type { ModuleSpec } from '../../nn/index.ts';
import { type Tensor, noGrad } from '../../tensor/index.ts';
import { modelFor } from '../fusion/line.ts';

export interface ModeComparison {
  readonly rows: number;
  /** Outputs per row. */
  readonly width: number;
  /** (rows, width), row-major. */
  readonly train: Float32Array;
  readonly eval: Float32Array;
  /** The largest |train - eval| over every output. */
  readonly maxDifference: number;
}

export async function compareModes(spec: ModuleSpec, stateDict: PyDict, x: Tensor): Promise<ModeComparison> {
  const evalModel = modelFor(spec, stateDict); // modelFor returns it in eval mode
  const trainModel = modelFor(spec, stateDict).train();
  const evalOut = noGrad(() => evalModel.forward(x));
  const trainOut = noGrad(() => trainModel.forward(x));
  const [train, evaluated] = [
    Float32Array.from(await trainOut.data()),
    Float32Array.from(await evalOut.data()),
  ];
  const rows = evalOut.shape[0] ?? 1;
  let maxDifference = 0;
  train.forEach((v, i) => (maxDifference = Math.max(maxDifference, Math.abs(v - (evaluated[i] as number)))));
  return { rows, width: train.length / rows, train, eval: evaluated, maxDifference };
}
