/**
 * Seeded toy datasets for the sandbox, as in the usual teaching playgrounds: five 2-D classification sets
 * (spirals, moons, circles, xor, gaussian blobs) and a 1-D sine regression. The same (options, seed) always
 * gives the same bytes: the generator is pthlab's xoshiro128** (src/tensor/random.ts), not Math.random.
 * `noise` is the standard deviation of gaussian noise added to each coordinate (to the target for sine).
 */
import { Generator } from '../../tensor/index.ts';
import { DatasetError, type TabularData } from './types.ts';

export interface SyntheticOptions {
  /** Rows in all (split as evenly as possible between the classes). Default 300. */
  n?: number;
  /** Gaussian noise standard deviation. Default per dataset (see `defaultNoise`). */
  noise?: number;
  seed?: number;
  /** Classes, for spirals and blobs (2..10). Default 3 for spirals, 3 for blobs. */
  classes?: number;
}

export const syntheticNames = ['spirals', 'moons', 'circles', 'xor', 'blobs', 'sine'] as const;
export type SyntheticName = (typeof syntheticNames)[number];

export const defaultNoise: Record<SyntheticName, number> = {
  spirals: 0.1,
  moons: 0.1,
  circles: 0.05,
  xor: 0.1,
  blobs: 0.5,
  sine: 0.1,
};

const maxRows = 1_000_000;

export function makeSynthetic(name: SyntheticName, options: SyntheticOptions = {}): TabularData {
  const n = options.n ?? 300;
  if (!Number.isSafeInteger(n) || n < 1 || n > maxRows)
    throw new DatasetError(`n must be a whole number from 1 to ${maxRows}, got ${n}`);
  const noise = options.noise ?? defaultNoise[name];
  if (!Number.isFinite(noise) || noise < 0) throw new DatasetError(`noise must be >= 0, got ${noise}`);
  const gen = new Generator(options.seed ?? 0);
  switch (name) {
    case 'spirals':
      return spirals(n, noise, classCount(options.classes, 3), gen);
    case 'moons':
      return moons(n, noise, gen);
    case 'circles':
      return circles(n, noise, gen);
    case 'xor':
      return xor(n, noise, gen);
    case 'blobs':
      return blobs(n, noise, classCount(options.classes, 3), gen);
    case 'sine':
      return sine(n, noise, gen);
  }
}

function classCount(classes: number | undefined, fallback: number): number {
  const c = classes ?? fallback;
  if (!Number.isSafeInteger(c) || c < 2 || c > 10)
    throw new DatasetError(`classes must be a whole number from 2 to 10, got ${c}`);
  return c;
}

/** Rows of class k: row i belongs to class i mod classes, so the split is as even as possible. */
function classification(n: number, classes: number, point: (k: number, i: number) => [number, number]) {
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    const [a, b] = point(k, Math.floor(i / classes));
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = k;
  }
  return { x, y, n, features: 2, classes, kind: 'classification' as const };
}

/** Interleaved arms (Karpathy's CS231n spiral): radius grows along the arm, each arm rotated by 2π/classes. */
function spirals(n: number, noise: number, classes: number, gen: Generator): TabularData {
  const perClass = Math.ceil(n / classes);
  return classification(n, classes, (k, i) => {
    const t = perClass === 1 ? 0 : i / (perClass - 1);
    const angle = (2 * Math.PI * k) / classes + t * 1.75 * Math.PI;
    const r = 0.05 + 0.95 * t;
    return [r * Math.cos(angle) + noise * gen.normal(), r * Math.sin(angle) + noise * gen.normal()];
  });
}

/** scikit-learn's make_moons: two interleaved half circles. */
function moons(n: number, noise: number, gen: Generator): TabularData {
  return classification(n, 2, (k) => {
    const t = Math.PI * gen.random();
    const [a, b] = k === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    return [a + noise * gen.normal(), b + noise * gen.normal()];
  });
}

/** scikit-learn's make_circles with factor 0.5: class 0 on the outer circle, class 1 on the inner. */
function circles(n: number, noise: number, gen: Generator): TabularData {
  return classification(n, 2, (k) => {
    const t = 2 * Math.PI * gen.random();
    const r = k === 0 ? 1 : 0.5;
    return [r * Math.cos(t) + noise * gen.normal(), r * Math.sin(t) + noise * gen.normal()];
  });
}

/** Uniform points in [-1, 1]²; the class is whether the coordinates' signs differ (before noise). */
function xor(n: number, noise: number, gen: Generator): TabularData {
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = 2 * gen.random() - 1;
    const b = 2 * gen.random() - 1;
    x[2 * i] = a + noise * gen.normal();
    x[2 * i + 1] = b + noise * gen.normal();
    y[i] = a * b < 0 ? 1 : 0;
  }
  return { x, y, n, features: 2, classes: 2, kind: 'classification' };
}

/** Isotropic gaussian blobs with standard deviation `noise`, centres evenly on a circle of radius 2. */
function blobs(n: number, noise: number, classes: number, gen: Generator): TabularData {
  return classification(n, classes, (k) => {
    const angle = (2 * Math.PI * k) / classes;
    return [2 * Math.cos(angle) + noise * gen.normal(), 2 * Math.sin(angle) + noise * gen.normal()];
  });
}

/** y = sin(x) + noise for x uniform in [-π, π]: regression, one feature. */
function sine(n: number, noise: number, gen: Generator): TabularData {
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = Math.PI * (2 * gen.random() - 1);
    x[i] = v;
    y[i] = Math.sin(v) + noise * gen.normal();
  }
  return { x, y, n, features: 1, kind: 'regression' };
}
