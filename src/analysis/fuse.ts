/**
 * Fusing checkpoints: the weighted average of state_dicts with the same keys, shapes and dtypes (model
 * soups, checkpoint averaging). Floating tensors average in float64 and round once to their dtype; integer
 * and bool tensors (BatchNorm's num_batches_tracked) cannot be averaged meaningfully and take the elementwise
 * maximum, which `notes` says. The result keeps the first state_dict's key order and `_metadata`.
 */
import { PyDict, Storage, StoredTensor } from '../checkpoint/index.ts';
import { elementsOf, floatTensorLike, isFloating } from './elements.ts';
import { AnalysisError } from './errors.ts';

export interface FuseInput {
  /** The file name, for messages. */
  name: string;
  stateDict: PyDict;
}

export interface Fused {
  stateDict: PyDict;
  /** Things the user should know: keys that took the maximum, weights that do not sum to 1. */
  notes: string[];
}

/** Weights: finite, one per input; default 1/n each. */
export function checkWeights(weights: readonly number[] | undefined, n: number): number[] {
  if (weights === undefined) return Array<number>(n).fill(1 / n);
  if (weights.length !== n)
    throw new AnalysisError(`--weights has ${weights.length} numbers for ${n} checkpoints`);
  if (weights.some((w) => !Number.isFinite(w))) throw new AnalysisError('--weights must be finite numbers');
  return [...weights];
}

export function fuseStateDicts(inputs: readonly FuseInput[], weightsIn?: readonly number[]): Fused {
  if (inputs.length < 2) throw new AnalysisError('fuse needs at least two checkpoints');
  const weights = checkWeights(weightsIn, inputs.length);
  checkCompatible(inputs);
  const first = inputs[0] as FuseInput;
  const out = new PyDict('OrderedDict'); // as model.state_dict() returns
  if (first.stateDict.attributes !== undefined) out.attributes = new Map(first.stateDict.attributes);
  const maxed: string[] = [];
  for (const [key, value] of first.stateDict) {
    const tensors = inputs.map((i) => i.stateDict.get(key) as StoredTensor);
    const what = `key ${String(key)}`;
    const ref = value as StoredTensor;
    const all = tensors.map((t, i) => elementsOf(t, `${inputs[i]?.name}: ${what}`));
    const acc = new Float64Array(ref.numel);
    if (isFloating(ref)) {
      all.forEach((values, i) => {
        const w = weights[i] as number;
        for (let e = 0; e < acc.length; e++) acc[e] = (acc[e] as number) + w * (values[e] as number);
      });
      out.set(key, floatTensorLike(ref, acc, what));
    } else {
      acc.fill(-Infinity);
      for (const values of all)
        for (let e = 0; e < acc.length; e++) acc[e] = Math.max(acc[e] as number, values[e] as number);
      out.set(key, integerTensorLike(ref, acc));
      maxed.push(String(key));
    }
  }
  const notes: string[] = [];
  if (maxed.length > 0)
    notes.push(`integer tensors take the maximum over the inputs, not an average: ${maxed.join(', ')}`);
  const total = weights.reduce((a, w) => a + w, 0);
  if (Math.abs(total - 1) > 1e-9) notes.push(`the weights sum to ${total}, not 1`);
  return { stateDict: out, notes };
}

function checkCompatible(inputs: readonly FuseInput[]): void {
  const first = inputs[0] as FuseInput;
  const problems: string[] = [];
  for (const [key, v] of first.stateDict)
    if (!(v instanceof StoredTensor)) problems.push(`${first.name}: ${String(key)} is not a tensor`);
  for (const other of inputs.slice(1)) {
    const missing = [...first.stateDict.keys()].filter((k) => !other.stateDict.has(k)).map(String);
    const unexpected = [...other.stateDict.keys()].filter((k) => !first.stateDict.has(k)).map(String);
    if (missing.length > 0) problems.push(`${other.name}: missing keys ${missing.join(', ')}`);
    if (unexpected.length > 0) problems.push(`${other.name}: unexpected keys ${unexpected.join(', ')}`);
    for (const [key, v] of first.stateDict) {
      const t = other.stateDict.get(key);
      if (!(v instanceof StoredTensor) || t === undefined) continue;
      if (!(t instanceof StoredTensor)) problems.push(`${other.name}: ${String(key)} is not a tensor`);
      else if (t.shape.join() !== v.shape.join() || t.shape.length !== v.shape.length)
        problems.push(
          `size mismatch for ${String(key)}: ${other.name} has shape [${t.shape.join(', ')}], ${first.name} has [${v.shape.join(', ')}]`,
        );
      else if (t.dtype.name !== v.dtype.name)
        problems.push(
          `dtype mismatch for ${String(key)}: ${other.name} has ${t.dtype.name}, ${first.name} has ${v.dtype.name}`,
        );
    }
  }
  if (problems.length > 0)
    throw new AnalysisError(`the checkpoints are not compatible:\n  ${problems.join('\n  ')}`);
}

function integerTensorLike(t: StoredTensor, values: Float64Array): StoredTensor {
  const bytes = new Uint8Array(t.numel * t.dtype.itemsize);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    const at = i * t.dtype.itemsize;
    switch (t.dtype.name) {
      case 'int64':
        view.setBigInt64(at, BigInt(v), true);
        break;
      case 'int32':
        view.setInt32(at, v, true);
        break;
      case 'int16':
        view.setInt16(at, v, true);
        break;
      case 'int8':
        view.setInt8(at, v);
        break;
      case 'uint8':
      case 'bool':
        view.setUint8(at, v);
        break;
      default:
        throw new AnalysisError(`fusing ${t.dtype.name} tensors is not supported`);
    }
  });
  return new StoredTensor(new Storage(t.dtype, bytes), t.shape);
}
