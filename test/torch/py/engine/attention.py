"""Reference values for pthlab's fused causal attention (F.scaledDotProductAttention with isCausal):
torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True), forward and the gradients of
sum(out * upstream) for q, k and v. test/torch/engine/attention.test.ts runs the same case names.

Each case is (B, H, T, D): a GPT-like head split, T = 1, T past one workgroup of the WGSL kernels (64), and a
head size over one chunk of 32 floats. Run on the CPU, where torch picks its math or flash CPU kernel.
"""
import torch
import torch.nn.functional as F

from common import emit, enc

torch.manual_seed(3)

SHAPES = {
    'gpt_heads': (2, 2, 7, 8),
    't_one': (1, 3, 1, 4),
    't_past_workgroup': (1, 1, 67, 4),
    'two_chunks': (1, 2, 5, 36),
}

out = {}
for name, shape in SHAPES.items():
    inputs = [torch.randn(*shape) for _ in range(3)]
    q, k, v = [t.clone().requires_grad_(True) for t in inputs]
    y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    upstream = torch.randn(y.shape)
    (y * upstream).sum().backward()
    out[name] = {
        'inputs': [enc(t) for t in inputs],
        'upstream': enc(upstream),
        'out': enc(y),
        'grads': [enc(t.grad) for t in (q, k, v)],
    }
emit(out)
