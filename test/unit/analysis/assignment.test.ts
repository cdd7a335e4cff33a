/**
 * The assignment solver against brute force over every permutation (n <= 6), including ties and negative
 * scores, and its refusals; weight matching's invariants on a permuted copy: aligning a model to a
 * permutation of itself recovers the model exactly.
 */
import { describe, expect, it } from 'vitest';
import { PyDict, Storage, StoredTensor, dtypeInfo } from '../../../src/checkpoint/index.ts';
import { AnalysisError, alignStateDicts, solveAssignment } from '../../../src/analysis/index.ts';

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('solveAssignment', () => {
  it('finds the best total of every permutation', () => {
    const random = seeded(5);
    for (let n = 1; n <= 6; n++) {
      for (let trial = 0; trial < 20; trial++) {
        const ties = trial % 4 === 0;
        const score = Float64Array.from({ length: n * n }, () =>
          ties ? Math.floor(random() * 3) : random() * 20 - 10,
        );
        const total = (p: ArrayLike<number>) =>
          Array.from(p).reduce((s, j, i) => s + (score[i * n + j] as number), 0);
        const best = Math.max(...permutations(n).map(total));
        const p = solveAssignment(score, n);
        expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(total(p)).toBeCloseTo(best, 9);
      }
    }
  });

  it('refuses a matrix of the wrong size or with non-finite scores', () => {
    expect(() => solveAssignment(new Float64Array(5), 2)).toThrow(AnalysisError);
    expect(() => solveAssignment(Float64Array.of(1, NaN, 0, 1), 2)).toThrow(/finite/);
  });
});

function tensor(values: number[], shape: number[]): StoredTensor {
  return new StoredTensor(
    new Storage(dtypeInfo('float32'), new Uint8Array(Float32Array.from(values).buffer)),
    shape,
  );
}

describe('alignStateDicts', () => {
  const arch = {
    type: 'Sequential',
    layers: [
      { type: 'Linear', in_features: 3, out_features: 4 },
      { type: 'ReLU' },
      { type: 'Linear', in_features: 4, out_features: 2 },
    ],
  };
  const random = seeded(9);
  const w1 = Array.from({ length: 12 }, () => random() - 0.5);
  const b1 = Array.from({ length: 4 }, () => random() - 0.5);
  const w2 = Array.from({ length: 8 }, () => random() - 0.5);
  const a = new PyDict('OrderedDict', [
    ['0.weight', tensor(w1, [4, 3])],
    ['0.bias', tensor(b1, [4])],
    ['2.weight', tensor(w2, [2, 4])],
    ['2.bias', tensor([0.1, -0.2], [2])],
  ]);
  const perm = [2, 0, 3, 1];
  const b = new PyDict('OrderedDict', [
    [
      '0.weight',
      tensor(
        perm.flatMap((p) => w1.slice(p * 3, p * 3 + 3)),
        [4, 3],
      ),
    ],
    [
      '0.bias',
      tensor(
        perm.map((p) => b1[p] as number),
        [4],
      ),
    ],
    [
      '2.weight',
      tensor(
        [0, 1].flatMap((o) => perm.map((p) => w2[o * 4 + p] as number)),
        [2, 4],
      ),
    ],
    ['2.bias', tensor([0.1, -0.2], [2])],
  ]);

  it('undoes a permutation of the hidden units exactly', () => {
    const result = alignStateDicts(arch, a, b);
    expect(result.distanceBefore).toBeGreaterThan(0);
    expect(result.distanceAfter).toBe(0);
    for (const [key, t] of a) {
      const got = result.stateDict.get(key) as StoredTensor;
      expect(Array.from(got.contiguousBytes()), String(key)).toEqual(
        Array.from((t as StoredTensor).contiguousBytes()),
      );
    }
  });

  it('refuses a layer that does not commute with permuted units', () => {
    const softmax = {
      type: 'Sequential',
      layers: [arch.layers[0], { type: 'Softmax', dim: 1 }, arch.layers[2]],
    };
    expect(() => alignStateDicts(softmax, a, b)).toThrow(/Softmax layer does not commute/);
  });
});
