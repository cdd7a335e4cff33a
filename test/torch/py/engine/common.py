"""Helpers shared by the engine reference scripts: tensors to and from JSON."""
import json
import sys

import torch


def enc(t):
    """A tensor as {'shape', 'dtype', 'data'} (float32 values are exact in JSON's doubles)."""
    t = t.detach().cpu().contiguous()
    dtype = 'int64' if t.dtype in (torch.int64, torch.int32) else 'float32'
    return {'shape': list(t.shape), 'dtype': dtype, 'data': t.reshape(-1).tolist()}


def dec(d):
    dtype = torch.int64 if d['dtype'] == 'int64' else torch.float32
    return torch.tensor(d['data'], dtype=dtype).reshape(d['shape'])


def emit(obj):
    json.dump(obj, sys.stdout, allow_nan=False)
    sys.stdout.write('\n')


def build(spec):
    """The torch.nn module of an architecture spec (torch's class and keyword names; Sequential's `layers`)."""
    import torch.nn as nn

    spec = dict(spec)
    kind = spec.pop('type')
    if kind == 'Sequential':
        return nn.Sequential(*[build(s) for s in spec.pop('layers', [])])
    return getattr(nn, kind)(**spec)
