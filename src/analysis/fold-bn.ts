/**
 * BatchNorm folding for inference: in a Sequential, every Conv2d followed by BatchNorm2d and every Linear
 * followed by BatchNorm1d becomes one layer computing the same thing in eval mode (running statistics), as
 * `torch.nn.utils.fusion.fuse_conv_bn_eval` / `fuse_linear_bn_eval` compute it:
 *
 *   s = bn.weight * rsqrt(bn.running_var + eps)            per output channel
 *   W' = W * s  (per output row)      b' = (b - bn.running_mean) * s + bn.bias
 *
 * The arithmetic is float32 step by step in torch's own order (Conv: `(b - mean) * rsqrt * weight + bias`,
 * Linear: `(b - mean) * (weight * rsqrt) + bias`), so the folded tensors equal torch's bit for bit. The
 * BatchNorm layers leave the architecture, the layers after them move down one index (their state_dict keys
 * too), and the folded layer always has a bias. A BatchNorm without running statistics normalizes with the
 * batch's own in eval mode too, so nothing can be folded into its layer: it stays, and a note says so.
 */
import { PyDict, type PyValue, Storage, StoredTensor } from '../checkpoint/index.ts';
import type { ModuleSpec } from '../nn/index.ts';
import { elementsOf, floatTensorLike } from './elements.ts';
import { AnalysisError } from './errors.ts';

export interface FoldResult {
  readonly arch: ModuleSpec;
  readonly stateDict: PyDict;
  /** `[layer, batchnorm]` indices in the input architecture, one per fold. */
  readonly folded: ReadonlyArray<readonly [number, number]>;
  readonly notes: string[];
}

const partner: Record<string, string> = { Conv2d: 'BatchNorm2d', Linear: 'BatchNorm1d' };

export function foldBatchNorm(arch: ModuleSpec, stateDict: ReadonlyMap<PyValue, PyValue>): FoldResult {
  const layers = arch.type === 'Sequential' ? arch['layers'] : undefined;
  if (!Array.isArray(layers))
    throw new AnalysisError('fold-bn: the architecture must be a Sequential of layers');
  const specs = layers as ModuleSpec[];
  const tensors = new Map([...stateDict].map(([k, v]) => [String(k), v]));
  const outLayers: ModuleSpec[] = [];
  const out = new PyDict('OrderedDict');
  const folded: Array<[number, number]> = [];
  const notes: string[] = [];
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as ModuleSpec;
    const next = specs[i + 1];
    const target = outLayers.length;
    const foldable = next !== undefined && partner[spec.type] === next.type;
    if (foldable && next['track_running_stats'] === false) {
      notes.push(`layer ${i + 1} (${next.type}) keeps no running statistics, so it stays unfolded`);
    } else if (foldable) {
      const [weight, bias] = foldPair(spec.type === 'Conv2d', i, next, tensors);
      out.set(`${target}.weight`, weight);
      out.set(`${target}.bias`, bias);
      const rest = Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'bias'));
      outLayers.push({ ...rest, type: spec.type } as ModuleSpec);
      folded.push([i, i + 1]);
      i++; // the BatchNorm is gone
      continue;
    }
    for (const [key, t] of tensors) {
      if (key.startsWith(`${i}.`)) out.set(`${target}.${key.slice(String(i).length + 1)}`, t);
    }
    outLayers.push(spec);
  }
  if (folded.length === 0 && notes.length === 0)
    throw new AnalysisError('fold-bn: no Conv2d followed by BatchNorm2d, nor Linear followed by BatchNorm1d');
  return { arch: { ...arch, layers: outLayers }, stateDict: out, folded, notes };
}

function tensorAt(tensors: Map<string, PyValue>, key: string): StoredTensor {
  const t = tensors.get(key);
  if (!(t instanceof StoredTensor)) throw new AnalysisError(`fold-bn: the state_dict has no tensor ${key}`);
  if (t.dtype.name !== 'float32' && t.dtype.name !== 'float64')
    throw new AnalysisError(`fold-bn: ${key} is ${t.dtype.name}; folding takes float32 or float64`);
  return t;
}

/** The folded weight and bias of layer `i` and the BatchNorm `bn` after it. */
function foldPair(
  conv: boolean,
  i: number,
  bn: ModuleSpec,
  tensors: Map<string, PyValue>,
): [StoredTensor, StoredTensor] {
  const w = tensorAt(tensors, `${i}.weight`);
  const round = w.dtype.name === 'float32' ? Math.fround : (x: number) => x;
  const get = (key: string) => elementsOf(tensorAt(tensors, key), key);
  const mean = get(`${i + 1}.running_mean`);
  const variance = get(`${i + 1}.running_var`);
  const channels = mean.length;
  const affine = bn['affine'] !== false;
  const gamma = affine ? get(`${i + 1}.weight`) : new Float64Array(channels).fill(1);
  const beta = affine ? get(`${i + 1}.bias`) : new Float64Array(channels);
  const b = tensors.has(`${i}.bias`) ? get(`${i}.bias`) : new Float64Array(channels);
  const eps = round(typeof bn['eps'] === 'number' ? bn['eps'] : 1e-5);
  const weights = elementsOf(w, `${i}.weight`);
  if (w.shape[0] !== channels || weights.length % channels !== 0)
    throw new AnalysisError(
      `fold-bn: ${i}.weight has ${w.shape[0]} outputs, the BatchNorm after it ${channels}`,
    );
  const perRow = weights.length / channels;
  const foldedW = new Float64Array(weights.length);
  const foldedB = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const rsqrt = round(1 / round(Math.sqrt(round((variance[c] as number) + eps))));
    const scale = round((gamma[c] as number) * rsqrt);
    for (let e = c * perRow; e < (c + 1) * perRow; e++) foldedW[e] = round((weights[e] as number) * scale);
    const centered = round((b[c] as number) - (mean[c] as number));
    // torch's association differs between the two: Conv2d multiplies by rsqrt, then by weight.
    const scaled = conv ? round(round(centered * rsqrt) * (gamma[c] as number)) : round(centered * scale);
    foldedB[c] = round(scaled + (beta[c] as number));
  }
  const biasLike = new StoredTensor(new Storage(w.dtype, new Uint8Array(channels * w.dtype.itemsize)), [
    channels,
  ]);
  return [floatTensorLike(w, foldedW, `${i}.weight`), floatTensorLike(biasLike, foldedB, `${i}.bias`)];
}
