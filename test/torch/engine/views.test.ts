/**
 * permute and transpose make views, as torch's do: the same strides and contiguity as torch 2.6 reports
 * (test/torch/py/engine/views.py) for the same views, before any op copies them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Tensor, zeros } from '../../../src/tensor/index.ts';
import { torchJson } from './torch-json.ts';

interface Described {
  shape: number[];
  stride: number[];
  contiguous: boolean;
}

const ours: Record<string, () => Tensor> = {
  transpose_2d: () => zeros([3, 5]).t(),
  transpose_last_two: () => zeros([2, 3, 4]).transpose(-2, -1),
  heads: () => zeros([2, 7, 4, 8]).transpose(1, 2),
  heads_then_keys: () => zeros([2, 7, 4, 8]).transpose(1, 2).transpose(-2, -1),
  permute_3: () => zeros([2, 3, 4]).permute(2, 0, 1),
  permute_back: () => zeros([2, 3, 4]).permute(2, 0, 1).permute(1, 2, 0),
  size_one_dims: () => zeros([1, 5, 1]).transpose(0, 2),
  contiguous_of_view: () => zeros([2, 3, 4]).permute(1, 0, 2).contiguous(),
  reshape_of_view: () => zeros([2, 3, 4]).transpose(0, 1).reshape(6, 4),
};

describe('views vs torch 2.6', () => {
  let cases: Record<string, Described>;
  beforeAll(async () => {
    cases = await torchJson<Record<string, Described>>('2.6', 'views.py');
  });

  it('covers every case the script defines', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(ours).sort());
  });

  for (const [name, make] of Object.entries(ours)) {
    it(name, () => {
      const t = make();
      expect({ shape: t.shape, stride: t.strides, contiguous: t.isContiguous() }).toEqual(cases[name]);
    });
  }
});
