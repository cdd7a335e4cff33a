"""Strides and contiguity of permute/transpose views, as torch reports them.

test/torch/engine/views.test.ts makes the same views in pthlab and compares `strides` and `isContiguous()`.
"""
import torch

from common import emit

CASES = {
    'transpose_2d': lambda: torch.zeros(3, 5).t(),
    'transpose_last_two': lambda: torch.zeros(2, 3, 4).transpose(-2, -1),
    'heads': lambda: torch.zeros(2, 7, 4, 8).transpose(1, 2),
    'heads_then_keys': lambda: torch.zeros(2, 7, 4, 8).transpose(1, 2).transpose(-2, -1),
    'permute_3': lambda: torch.zeros(2, 3, 4).permute(2, 0, 1),
    'permute_back': lambda: torch.zeros(2, 3, 4).permute(2, 0, 1).permute(1, 2, 0),
    'size_one_dims': lambda: torch.zeros(1, 5, 1).transpose(0, 2),
    'contiguous_of_view': lambda: torch.zeros(2, 3, 4).permute(1, 0, 2).contiguous(),
    'reshape_of_view': lambda: torch.zeros(2, 3, 4).transpose(0, 1).reshape(6, 4),
}

emit({name: {'shape': list(t.shape), 'stride': list(t.stride()), 'contiguous': t.is_contiguous()}
      for name, t in ((name, make()) for name, make in CASES.items())})
