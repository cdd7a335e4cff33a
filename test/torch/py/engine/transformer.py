"""Reference values for torch.nn.MultiheadAttention and torch.nn.TransformerEncoderLayer: for each case its
state_dict, inputs, output and the gradients of sum(out * upstream) with respect to the inputs and every
parameter, in training mode with dropout 0 (torch's fused fast path runs only without gradients).
test/torch/engine/transformer.test.ts builds the same modules in pthlab, loads the state_dict and compares.
"""
import torch
import torch.nn as nn

from common import emit, enc

torch.manual_seed(0)
E, H, L, N = 8, 2, 5, 3
causal = nn.Transformer.generate_square_subsequent_mask(L)


def mha(batch_first):
    return nn.MultiheadAttention(E, H, dropout=0.0, batch_first=batch_first)


def layer(norm_first, batch_first, activation='relu'):
    return nn.TransformerEncoderLayer(E, H, dim_feedforward=12, dropout=0.0, activation=activation,
                                      batch_first=batch_first, norm_first=norm_first)


CASES = {
    'mha_self': (mha(False), lambda m, x: m(x, x, x, need_weights=False)[0], [torch.randn(L, N, E)]),
    'mha_cross_batch_first': (
        mha(True), lambda m, q, kv: m(q, kv, kv, need_weights=False)[0], [torch.randn(N, L, E), torch.randn(N, 4, E)]),
    'mha_causal': (mha(False), lambda m, x: m(x, x, x, attn_mask=causal, need_weights=False)[0], [torch.randn(L, N, E)]),
    'mha_unbatched': (mha(False), lambda m, x: m(x, x, x, need_weights=False)[0], [torch.randn(L, E)]),
    'encoder_post_norm': (layer(False, False), lambda m, x: m(x), [torch.randn(L, N, E)]),
    'encoder_pre_norm_batch_first_causal': (
        layer(True, True, 'gelu'), lambda m, x: m(x, src_mask=causal), [torch.randn(N, L, E)]),
}

out = {}
for name, (module, fn, inputs) in CASES.items():
    module.train()
    leaves = [t.clone().requires_grad_() for t in inputs]
    y = fn(module, *leaves)
    upstream = torch.randn(y.shape)
    (y * upstream).sum().backward()
    out[name] = {
        'state_dict': {k: enc(v) for k, v in module.state_dict().items()},
        'inputs': [enc(t) for t in inputs],
        'mask': enc((causal == float('-inf')).float()) if 'causal' in name else None,  # 1: -inf (JSON has none)
        'upstream': enc(upstream),
        'out': enc(y),
        'input_grads': [enc(t.grad) for t in leaves],
        'param_grads': {n: enc(p.grad) for n, p in module.named_parameters()},
    }
emit(out)
