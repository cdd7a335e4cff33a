/** A module's floating-point state_dict entries as host arrays, for `<pth-weights>` (reads the device). */
import type { Module } from '../../nn/index.ts';
import type { WeightTensor } from './stats.ts';

export async function weightsFromModule(module: Module): Promise<WeightTensor[]> {
  const out: WeightTensor[] = [];
  for (const [name, t] of module.stateDict()) {
    if (t.dtype !== 'float32') continue;
    out.push({ name, shape: [...t.shape], data: (await t.data()) as Float32Array });
  }
  return out;
}
