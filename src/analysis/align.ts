/**
 * Weight matching (Ainsworth, Hayase and Srinivasa, "Git Re-Basin", 2022, algorithm 2): permute B's hidden
 * units so that B sits next to A in weight space while computing exactly B's function. Each hidden layer's
 * units form a permutation group; its permutation maximizes Σ <A's tensors, permuted B's tensors> over the
 * tensors that touch it (the layer's weight rows and bias, the BatchNorm after it, the next layer's weight
 * columns), an exact linear assignment (assignment.ts) given the other groups' current permutations.
 * Sweeps over the groups in a seeded random order repeat until no permutation changes the objective.
 *
 * Supported: a Sequential of Linear and Conv2d (groups=1) layers with BatchNorm, LayerNorm over one dimension,
 * elementwise activations, Dropout, pooling and Flatten between them: the layers that commute with a
 * permutation of channels. Flatten after a Conv2d spreads each channel over H·W consecutive features.
 */
import { PyDict, type PyValue, StoredTensor } from '../checkpoint/index.ts';
import type { ModuleSpec } from '../nn/index.ts';
import { solveAssignment } from './assignment.ts';
import { elementsOf, floatTensorLike, isFloating } from './elements.ts';
import { AnalysisError } from './errors.ts';

/** A tensor viewed as rows (the units of `rowGroup`) by columns (units of `colGroup`, `block` wide each). */
interface Role {
  readonly key: string;
  readonly rowGroup: number | null;
  readonly colGroup: number | null;
  readonly block: number;
  /** Counted in the matching objective (BatchNorm's running statistics are only carried along). */
  readonly scored: boolean;
}

export interface AlignResult {
  readonly stateDict: PyDict;
  /** One permutation per hidden layer: unit i of the aligned B is unit perm[i] of B. */
  readonly permutations: Int32Array[];
  readonly sweeps: number;
  /** ‖A - B‖ over the scored tensors, before and after. */
  readonly distanceBefore: number;
  readonly distanceAfter: number;
}

const elementwise = new Set([
  'ReLU',
  'LeakyReLU',
  'GELU',
  'Tanh',
  'Sigmoid',
  'Dropout',
  'MaxPool2d',
  'AvgPool2d',
]);

/** The roles of every tensor, and each group's size. */
export function permutationRoles(arch: ModuleSpec): { roles: Role[]; sizes: number[] } {
  const layers = arch.type === 'Sequential' ? arch['layers'] : undefined;
  if (!Array.isArray(layers))
    throw new AnalysisError('align: the architecture must be a Sequential of layers');
  const specs = layers as ModuleSpec[];
  const last = specs.map((s) => s.type).reduce((at, t, i) => (t === 'Linear' || t === 'Conv2d' ? i : at), -1);
  if (last < 0) throw new AnalysisError('align: the architecture has no Linear or Conv2d layer');
  const roles: Role[] = [];
  const sizes: number[] = [];
  let current: number | null = null; // the group the activations belong to
  let flattened = false;
  specs.forEach((spec, i) => {
    const p = `${i}.`;
    const type = spec.type;
    if (type === 'Linear' || type === 'Conv2d') {
      if (type === 'Conv2d' && (spec['groups'] ?? 1) !== 1)
        throw new AnalysisError(`align: layer ${i} is a grouped Conv2d`);
      const outUnits = Number(type === 'Linear' ? spec['out_features'] : spec['out_channels']);
      const inUnits = Number(type === 'Linear' ? spec['in_features'] : spec['in_channels']);
      const inGroupSize = current === null ? inUnits : (sizes[current] as number);
      if (inUnits % inGroupSize !== 0 || (!flattened && current !== null && inUnits !== inGroupSize))
        throw new AnalysisError(`align: layer ${i} takes ${inUnits} inputs from ${inGroupSize} units`);
      const block = type === 'Conv2d' ? kernelArea(spec) : inUnits / inGroupSize;
      const out = i === last ? null : sizes.push(outUnits) - 1;
      roles.push({ key: `${p}weight`, rowGroup: out, colGroup: current, block, scored: true });
      if (spec['bias'] !== false)
        roles.push({ key: `${p}bias`, rowGroup: out, colGroup: null, block: 1, scored: true });
      current = out;
      flattened = false;
    } else if (type === 'BatchNorm1d' || type === 'BatchNorm2d' || type === 'LayerNorm') {
      if (
        type === 'LayerNorm' &&
        Array.isArray(spec['normalized_shape']) &&
        (spec['normalized_shape'] as unknown[]).length !== 1
      )
        throw new AnalysisError(`align: layer ${i} normalizes over more than one dimension`);
      const affine = type === 'LayerNorm' ? spec['elementwise_affine'] !== false : spec['affine'] !== false;
      if (affine) {
        roles.push({ key: `${p}weight`, rowGroup: current, colGroup: null, block: 1, scored: true });
        if (spec['bias'] !== false || type !== 'LayerNorm')
          roles.push({ key: `${p}bias`, rowGroup: current, colGroup: null, block: 1, scored: true });
      }
      if (type !== 'LayerNorm' && spec['track_running_stats'] !== false) {
        for (const name of ['running_mean', 'running_var'])
          roles.push({ key: `${p}${name}`, rowGroup: current, colGroup: null, block: 1, scored: false });
      }
    } else if (type === 'Flatten') flattened = true;
    else if (!elementwise.has(type))
      throw new AnalysisError(`align: a ${type} layer does not commute with permuted units`);
  });
  return { roles, sizes };
}

function kernelArea(spec: ModuleSpec): number {
  const k = spec['kernel_size'];
  return Array.isArray(k) ? Number(k[0]) * Number(k[1]) : Number(k) * Number(k);
}

interface Matrix {
  readonly values: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** M'[r][c*block+s] = M[rowPerm[r]][colPerm[c]*block+s]. */
function permute(
  m: Matrix,
  rowPerm: Int32Array | null,
  colPerm: Int32Array | null,
  block: number,
): Float64Array {
  const out = new Float64Array(m.values.length);
  const units = m.cols / block;
  for (let r = 0; r < m.rows; r++) {
    const from = (rowPerm === null ? r : (rowPerm[r] as number)) * m.cols;
    for (let c = 0; c < units; c++) {
      const src = from + (colPerm === null ? c : (colPerm[c] as number)) * block;
      out.set(m.values.subarray(src, src + block), r * m.cols + c * block);
    }
  }
  return out;
}

function matrixOf(dict: Map<string, PyValue>, key: string, file: string): Matrix {
  const t = dict.get(key);
  if (!(t instanceof StoredTensor) || !isFloating(t))
    throw new AnalysisError(`align: ${file} has no floating-point tensor ${key}`);
  const rows = t.shape[0] ?? 1;
  return { values: elementsOf(t, `${file}: ${key}`), rows, cols: t.numel / rows };
}

export function alignStateDicts(
  arch: ModuleSpec,
  a: ReadonlyMap<PyValue, PyValue>,
  b: ReadonlyMap<PyValue, PyValue>,
  options: { maxSweeps?: number; seed?: number } = {},
): AlignResult {
  const { roles, sizes } = permutationRoles(arch);
  const dictA = new Map([...a].map(([k, v]) => [String(k), v]));
  const dictB = new Map([...b].map(([k, v]) => [String(k), v]));
  const A = new Map(roles.map((r) => [r.key, matrixOf(dictA, r.key, 'A')]));
  const B = new Map(roles.map((r) => [r.key, matrixOf(dictB, r.key, 'B')]));
  for (const r of roles) {
    if (A.get(r.key)?.values.length !== B.get(r.key)?.values.length)
      throw new AnalysisError(`align: ${r.key} differs in shape between A and B`);
  }
  const perms: Int32Array[] = sizes.map(identity);
  const permOf = (g: number | null) => (g === null ? null : (perms[g] as Int32Array));
  const scoreFor = (g: number): Float64Array => {
    const n = sizes[g] as number;
    const score = new Float64Array(n * n);
    for (const r of roles) {
      if (!r.scored || (r.rowGroup !== g && r.colGroup !== g)) continue;
      const ma = A.get(r.key) as Matrix;
      const mb = B.get(r.key) as Matrix;
      if (r.rowGroup === g) {
        const pb = permute(mb, null, permOf(r.colGroup), r.block); // B's rows unpermuted: they are the choice
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++)
            score[i * n + j] =
              (score[i * n + j] as number) + dot(ma.values, i * ma.cols, pb, j * ma.cols, ma.cols);
      } else {
        const pb = permute(mb, permOf(r.rowGroup), null, r.block);
        for (let o = 0; o < ma.rows; o++)
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++)
              score[i * n + j] =
                (score[i * n + j] as number) +
                dot(ma.values, o * ma.cols + i * r.block, pb, o * ma.cols + j * r.block, r.block);
      }
    }
    return score;
  };
  const distance = () => {
    let sum = 0;
    for (const r of roles) {
      if (!r.scored) continue;
      const pb = permute(B.get(r.key) as Matrix, permOf(r.rowGroup), permOf(r.colGroup), r.block);
      (A.get(r.key) as Matrix).values.forEach((v, i) => (sum += (v - (pb[i] as number)) ** 2));
    }
    return Math.sqrt(sum);
  };
  const distanceBefore = distance();
  const random = mulberry32(options.seed ?? 0);
  let sweeps = 0;
  for (let progress = true; progress && sweeps < (options.maxSweeps ?? 100); sweeps++) {
    progress = false;
    for (const g of shuffled(sizes.length, random)) {
      const n = sizes[g] as number;
      const score = scoreFor(g);
      const next = solveAssignment(score, n);
      const total = (p: Int32Array) => p.reduce((s, j, i) => s + (score[i * n + j] as number), 0);
      if (total(next) > total(perms[g] as Int32Array) + 1e-12 * Math.max(1, Math.abs(total(next)))) {
        perms[g] = next;
        progress = true;
      }
    }
  }
  const out = new PyDict('OrderedDict');
  if (b instanceof PyDict && b.attributes !== undefined) out.attributes = new Map(b.attributes);
  const byKey = new Map(roles.map((r) => [r.key, r]));
  for (const [key, t] of dictB) {
    const r = byKey.get(key);
    if (r === undefined || !(t instanceof StoredTensor)) out.set(key, t);
    else
      out.set(
        key,
        floatTensorLike(
          t,
          permute(B.get(key) as Matrix, permOf(r.rowGroup), permOf(r.colGroup), r.block),
          key,
        ),
      );
  }
  return { stateDict: out, permutations: perms, sweeps, distanceBefore, distanceAfter: distance() };
}

function dot(x: Float64Array, xi: number, y: Float64Array, yi: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += (x[xi + k] as number) * (y[yi + k] as number);
  return s;
}

/** A small seeded generator, so that the order of the groups, and the result, repeat run to run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}
