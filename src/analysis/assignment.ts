/**
 * The linear assignment problem, solved exactly: the permutation `p` maximizing Σ_i score[i][p[i]] over an
 * n×n matrix (scipy's `linear_sum_assignment(score, maximize=True)`). The Hungarian method with potentials
 * and shortest augmenting paths (Kuhn-Munkres as Jonker and Volgenant formulate it), O(n³): one row added at
 * a time, each by a Dijkstra-like search over reduced costs. Weight matching (align.ts) calls it once per
 * hidden layer and sweep.
 */
import { AnalysisError } from './errors.ts';

/** `score` row-major n×n; returns p with p[row] = the column assigned to row. */
export function solveAssignment(score: Float64Array, n: number): Int32Array {
  if (score.length !== n * n)
    throw new AnalysisError(`assignment: ${score.length} scores for a ${n}x${n} matrix`);
  if (score.some((s) => !Number.isFinite(s)))
    throw new AnalysisError('assignment: the scores must be finite');
  // Minimize cost = -score. Arrays are 1-based, index 0 a virtual column the search starts from.
  const cost = (i: number, j: number) => -(score[(i - 1) * n + (j - 1)] as number);
  const u = new Float64Array(n + 1); // row potentials
  const v = new Float64Array(n + 1); // column potentials
  const rowOf = new Int32Array(n + 1); // rowOf[j]: the row assigned to column j (0: none)
  const way = new Int32Array(n + 1); // the previous column on the shortest path
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let column = 0;
    const minReduced = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[column] = 1;
      const row = rowOf[column] as number;
      let delta = Infinity;
      let next = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const reduced = cost(row, j) - (u[row] as number) - (v[j] as number);
        if (reduced < (minReduced[j] as number)) {
          minReduced[j] = reduced;
          way[j] = column;
        }
        if ((minReduced[j] as number) < delta) {
          delta = minReduced[j] as number;
          next = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[rowOf[j] as number] = (u[rowOf[j] as number] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else minReduced[j] = (minReduced[j] as number) - delta;
      }
      column = next;
    } while (rowOf[column] !== 0);
    // Augment: flip the assignments along the path back to the virtual column.
    do {
      const previous = way[column] as number;
      rowOf[column] = rowOf[previous] as number;
      column = previous;
    } while (column !== 0);
  }
  const p = new Int32Array(n);
  for (let j = 1; j <= n; j++) p[(rowOf[j] as number) - 1] = j - 1;
  return p;
}
