"""Helpers shared by the engine reference scripts: tensors to and from JSON."""
import json
import sys

import torch

# Reference numbers come from torch's own CPU kernels, not oneDNN's. Debian's torch 2.6 (oneDNN 3.7.2) gets
# conv2d's input gradient wrong on some CPUs: on an AMD EPYC machine here, max |error| 17.7 against float64
# for a (2, 3, 8, 8) input and a 3x3 kernel with oneDNN's AVX2 or AVX-512 code, and not the same wrong answer
# from one process to the next; torch's native kernels, and torch 1.13, agree with float64 to 4e-6. The
# training scripts of train/ and browser/ switch it off too.
torch.backends.mkldnn.enabled = False


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
