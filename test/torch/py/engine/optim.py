"""Reference trajectories for torch.optim (argv[1]: JSON list of {kind, options}; argv[2]: steps).

For each config: two parameters and a gradient per step from a fixed seed; torch's parameters after every
step; the optimizer's state_dict after the first half of the steps and at the end, described with Python
types kept (int vs float, tuple vs list) so that pthlab's layout can be compared key by key.
"""
import json
import sys

import torch

from common import emit, enc


def describe(v):
    """A Python value as JSON that keeps its type; tensors become ['tensor', dtype, shape] plus their data."""
    if v is None:
        return ['None']
    if isinstance(v, bool):
        return ['bool', v]
    if isinstance(v, int):
        return ['int', v]
    if isinstance(v, float):
        return ['float', v]
    if isinstance(v, str):
        return ['str', v]
    if isinstance(v, tuple):
        return ['tuple', [describe(x) for x in v]]
    if isinstance(v, list):
        return ['list', [describe(x) for x in v]]
    if isinstance(v, dict):
        return ['dict', [[describe(k), describe(x)] for k, x in v.items()]]
    if isinstance(v, torch.Tensor):
        return ['tensor', str(v.dtype).replace('torch.', ''), list(v.shape), v.reshape(-1).tolist()]
    raise TypeError(type(v))


configs = json.loads(sys.argv[1])
steps = int(sys.argv[2])
out = []
for i, cfg in enumerate(configs):
    torch.manual_seed(100 + i)
    init = [torch.randn(3, 4), torch.randn(5)]
    grads = [[torch.randn(p.shape) for p in init] for _ in range(steps)]
    params = [p.clone().requires_grad_() for p in init]
    options = dict(cfg['options'])
    if 'betas' in options:
        options['betas'] = tuple(options['betas'])  # JSON has no tuples; users pass one
    opt = getattr(torch.optim, cfg['kind'])(params, **options)
    trajectory = []
    half = None
    for s in range(steps):
        for p, g in zip(params, grads[s]):
            p.grad = g.clone()
        opt.step()
        trajectory.append([enc(p) for p in params])
        if s + 1 == steps // 2:
            half = describe(opt.state_dict())
    out.append({
        'init': [enc(p) for p in init],
        'grads': [[enc(g) for g in gs] for gs in grads],
        'trajectory': trajectory,
        'half_state': half,
        'final_state': describe(opt.state_dict()),
    })
emit(out)
