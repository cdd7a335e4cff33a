/**
 * First-order (Taylor) importance of every parameter element, |∂L/∂w · w| (Molchanov et al. 2017; SNIP, Lee
 * et al. 2019, is the same score taken at initialization): the gradient of the mean loss over every row of
 * a data file (`x`, `y` as `pthlab train --data` reads them), with the model in eval mode, on the CPU backend.
 * Cross-entropy for integer class ids, mean squared error for float targets.
 */
import type { PyDict } from '../checkpoint/index.ts';
import { parameterImportance } from '../analysis/index.ts';
import type { ModuleSpec } from '../nn/index.ts';
import { cpu, fromHost } from '../tensor/index.ts';
import { computeLoss, datasetFromBytes } from '../train/index.ts';
import { modelFor } from '../ui/fusion/line.ts';
import { gradientValues, parameterValues } from '../ui/importance/importance.ts';
import { readBytes } from './files.ts';

export async function taylorScores(
  arch: ModuleSpec,
  stateDict: PyDict,
  dataPath: string,
): Promise<Map<string, Float64Array>> {
  const data = datasetFromBytes(readBytes(dataPath));
  const model = modelFor(arch, stateDict);
  const x = fromHost(data.x, data.xShape, { backend: cpu });
  const y = fromHost(data.y, data.yShape, { backend: cpu });
  const loss = data.y instanceof Float32Array ? 'mse' : 'cross_entropy';
  computeLoss(loss, model.forward(x), y).backward();
  const values = await parameterValues(model);
  const shapes = new Map(model.namedParameters().map(([key, p]) => [key, p.shape]));
  const weights = new Map([...values].map(([key, v]) => [key, { values: v, shape: shapes.get(key) ?? [] }]));
  const scored = parameterImportance('taylor', weights, await gradientValues(model));
  return new Map(scored.map((p) => [p.key, p.elements]));
}
