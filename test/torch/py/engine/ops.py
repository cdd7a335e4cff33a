"""Reference values for every primitive op and composite: forward and the gradient of sum(out * upstream).

Each case builds its inputs from a fixed seed and prints them, torch's output and the gradients of every
floating input, as JSON. test/torch/engine/ops.test.ts runs the same case names through pthlab.
"""
import torch
import torch.nn.functional as F

from common import emit, enc

torch.manual_seed(0)


def r(*shape):
    return torch.randn(*shape)


def pos(*shape):
    return torch.rand(*shape) + 0.5


def ids(high, *shape):
    return torch.randint(0, high, shape)


CASES = {
    'neg': (lambda x: -x, [r(2, 3)]),
    'exp': (torch.exp, [r(2, 3)]),
    'log': (torch.log, [pos(2, 3)]),
    'sqrt': (torch.sqrt, [pos(2, 3)]),
    'relu': (torch.relu, [r(3, 4)]),
    'tanh': (torch.tanh, [r(3, 4)]),
    'sigmoid': (torch.sigmoid, [r(3, 4)]),
    'erf': (torch.erf, [r(3, 4)]),
    'add': (torch.add, [r(2, 3, 4), r(3, 1)]),
    'sub': (torch.sub, [r(4), r(2, 3, 4)]),
    'mul': (torch.mul, [r(2, 1, 4), r(3, 1)]),
    'div': (torch.div, [r(2, 3), pos(3)]),
    'sum': (lambda x: x.sum(1), [r(2, 3, 4)]),
    'sum_all': (lambda x: x.sum(), [r(2, 3)]),
    'sum_keepdim': (lambda x: x.sum((0, 2), keepdim=True), [r(2, 3, 4)]),
    'amax': (lambda x: x.amax(-1), [r(3, 5)]),
    'mean': (lambda x: x.mean(0), [r(4, 3)]),
    'var': (lambda x: x.var(1), [r(3, 5)]),
    'reshape': (lambda x: x.reshape(4, 6), [r(2, 3, 4)]),
    'permute': (lambda x: x.permute(2, 0, 1), [r(2, 3, 4)]),
    'transpose': (lambda x: x.transpose(0, 1), [r(3, 5)]),
    'expand': (lambda x: x.expand(2, 3, 4), [r(3, 1)]),
    'matmul': (torch.matmul, [r(3, 4), r(4, 5)]),
    'matmul_3d_2d': (torch.matmul, [r(2, 3, 4), r(4, 5)]),
    'bmm': (torch.matmul, [r(2, 3, 4), r(2, 4, 5)]),
    'linear': (F.linear, [r(4, 3), r(5, 3), r(5)]),
    'conv2d': (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), [r(2, 3, 7, 6), r(4, 3, 3, 3), r(4)]),
    'conv2d_dilated': (lambda x, w: F.conv2d(x, w, dilation=2), [r(1, 2, 7, 7), r(3, 2, 2, 3)]),
    'max_pool2d': (lambda x: F.max_pool2d(x, 2), [r(2, 3, 6, 6)]),
    'max_pool2d_pad': (lambda x: F.max_pool2d(x, 3, stride=2, padding=1), [r(1, 2, 7, 7)]),
    'avg_pool2d': (lambda x: F.avg_pool2d(x, 2), [r(2, 3, 6, 6)]),
    'avg_pool2d_pad': (lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), [r(1, 2, 7, 7)]),
    'embedding': (lambda i, w: F.embedding(i, w), [ids(5, 3, 4), r(5, 3)]),
    'embedding_padding': (lambda i, w: F.embedding(i, w, padding_idx=0), [ids(5, 6), r(5, 3)]),
    'softmax': (lambda x: F.softmax(x, 1), [r(3, 5)]),
    'log_softmax': (lambda x: F.log_softmax(x, -1), [r(3, 5)]),
    'cross_entropy': (F.cross_entropy, [r(6, 4), ids(4, 6)]),
    'cross_entropy_ignore': (lambda x, t: F.cross_entropy(x, t, ignore_index=1), [r(6, 4), ids(4, 6)]),
    'cross_entropy_probs': (F.cross_entropy, [r(3, 4), torch.softmax(r(3, 4), 1)]),
    'mse_loss': (F.mse_loss, [r(3, 4), r(3, 4)]),
    'layer_norm': (lambda x, w, b: F.layer_norm(x, (4,), w, b), [r(2, 3, 4), r(4), r(4)]),
    'gelu': (F.gelu, [r(3, 4) * 2]),
    'gelu_tanh': (lambda x: F.gelu(x, approximate='tanh'), [r(3, 4) * 2]),
    'leaky_relu': (lambda x: F.leaky_relu(x, 0.1), [r(3, 4)]),
    'batch_norm_train': (
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True, eps=1e-5),
        [r(4, 3, 2, 2), r(3), r(3)],
    ),
    'batch_norm_1d_train': (lambda x: F.batch_norm(x, None, None, training=True), [r(5, 3)]),
    # Transposed views into matmul (pthlab reads them in place) and views of views (copied when read).
    'matmul_t_view': (lambda a, b: a.matmul(b.t()), [r(3, 4), r(5, 4)]),
    'bmm_transposed_view': (lambda a, b: a.matmul(b.transpose(-2, -1)), [r(2, 3, 4), r(2, 5, 4)]),
    'bmm_broadcast_transposed_view': (lambda a, b: a.matmul(b.transpose(1, 2)), [r(2, 3, 4), r(1, 5, 4)]),
    'heads_view_of_view': (
        lambda q, k: q.transpose(1, 2).matmul(k.transpose(1, 2).transpose(-2, -1)),
        [r(2, 3, 2, 4), r(2, 5, 2, 4)],
    ),
    'permute_twice_then_add': (lambda x, y: x.permute(2, 0, 1).permute(0, 2, 1) + y, [r(2, 3, 4), r(4, 3, 2)]),
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
