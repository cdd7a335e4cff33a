/**
 * permute/transpose are views: matmul reads a transposed pair of last dims in place (no permute kernel),
 * bit for bit what the copied path gives, gradients included; any other op reads the copy, made once.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../../src/tensor/cpu/backend.ts';
import { fromHost } from '../../../src/tensor/index.ts';
import { attentionScores, countPermutes } from '../../support/view-cases.ts';

describe('views', () => {
  it('q @ k.transpose(-2, -1) makes no copy and equals the copied path exactly', async () => {
    const view = await attentionScores(new CpuBackend(), false);
    const copied = await attentionScores(new CpuBackend(), true);
    expect(view.forwardCopies).toBe(0);
    expect(copied.forwardCopies).toBe(1);
    expect(view.out).toEqual(copied.out);
    expect(view.gradA).toEqual(copied.gradA);
    expect(view.gradB).toEqual(copied.gradB);
  });

  it('copies a view once however often it is read, and a view of a view composes', () => {
    const be = new CpuBackend();
    const counter = countPermutes(be);
    const x = fromHost(
      Float32Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
      { backend: be },
    );
    const v = x.permute(2, 0, 1).permute(0, 2, 1); // (4, 3, 2): x's dims (2, 1, 0)
    expect(counter.count).toBe(0);
    expect(v.permutedView?.perm).toEqual([2, 1, 0]);
    const twice = v.add(v);
    expect(counter.count).toBe(1);
    expect(Array.from(twice.dataSync()).slice(0, 4)).toEqual([0, 24, 8, 32]);
    expect(x.permute(1, 0, 2).permute(1, 0, 2)).not.toHaveProperty('permutedView.perm');
  });
});
