"""Reference values for the primitives attention needs (pad/narrow, cat/split, where/masked_fill, batched
matmul over any leading dims) and their composites: forward and the gradient of sum(out * upstream).

Same layout as ops.py; test/torch/engine/attention-ops.test.ts runs the same case names through pthlab.
"""
import math

import torch
import torch.nn.functional as F

from common import emit, enc

torch.manual_seed(1)


def r(*shape):
    return torch.randn(*shape)


def attention(q, k, v, tril):
    """Causal attention as nanoGPT's manual path: (B, nh, T, hs) -> (B, nh, T, hs)."""
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
    att = att.masked_fill(tril == 0, float('-inf'))
    return F.softmax(att, dim=-1) @ v


CASES = {
    'narrow': (lambda x: x.narrow(1, 1, 2), [r(2, 4, 3)]),
    'narrow_last': (lambda x: x.narrow(-1, 2, 3), [r(3, 5)]),
    'pad': (lambda x: F.pad(x, (1, 2, 0, 1)), [r(2, 3, 4)]),
    'pad_crop': (lambda x: F.pad(x, (-1, 1, 2, -1)), [r(2, 3, 4)]),
    'cat': (lambda a, b, c: torch.cat([a, b, c], 1), [r(2, 1, 3), r(2, 3, 3), r(2, 2, 3)]),
    'cat_last': (lambda a, b: torch.cat([a, b], -1), [r(3, 2), r(3, 4)]),
    'split': (lambda x: torch.cat([p * (i + 1) for i, p in enumerate(x.split(2, 1))], 1), [r(2, 5, 3)]),
    'split_sizes': (lambda x: x.split([1, 3], 2)[1] * 2, [r(2, 3, 4)]),
    'where': (lambda c, a, b: torch.where(c > 0.5, a, b), [(r(3, 1) > 0).float(), r(3, 4), r(4)]),
    'masked_fill': (lambda x, m: x.masked_fill(m > 0.5, -3.0), [r(2, 4, 4), torch.tril(torch.ones(4, 4))]),
    'causal_softmax': (
        lambda x, tril: F.softmax(x.masked_fill(tril == 0, float('-inf')), -1),
        [r(2, 4, 4), torch.tril(torch.ones(4, 4))],
    ),
    'matmul_4d': (torch.matmul, [r(2, 3, 4, 5), r(2, 3, 5, 6)]),
    'matmul_broadcast': (torch.matmul, [r(2, 1, 4, 5), r(3, 5, 2)]),
    'matmul_shared_a': (torch.matmul, [r(4, 5), r(2, 3, 5, 6)]),
    'matmul_shared_b': (torch.matmul, [r(2, 3, 4, 5), r(1, 5, 6)]),
    'attention': (attention, [r(2, 2, 4, 3), r(2, 2, 4, 3), r(2, 2, 4, 3), torch.tril(torch.ones(4, 4))]),
}

out = {}
for name, (fn, inputs) in CASES.items():
    leaves = [t.clone().requires_grad_(t.is_floating_point()) for t in inputs]
    y = fn(*leaves)
    upstream = torch.randn(y.shape)
    (y * upstream).sum().backward()
    out[name] = {
        'inputs': [enc(t) for t in inputs],
        'upstream': enc(upstream),
        'out': enc(y),
        'grads': [enc(t.grad) if t.grad is not None else None for t in leaves],
    }
emit(out)
