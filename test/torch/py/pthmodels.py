"""Small torch.nn modules the fixtures and load tests share, by name or from pthlab's JSON architecture spec."""

import json
from typing import Any

import torch
from torch import nn


def mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))


def cnn_bn() -> nn.Module:
    # input (B, 1, 8, 8)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),  # (B, 4, 8, 8)
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.Flatten(),  # (B, 256)
        nn.Linear(256, 3),
    )


NAMED = {"mlp": mlp, "cnn_bn": cnn_bn}


def from_spec(spec: Any) -> nn.Module:
    """pthlab's architecture JSON: {"type": <torch.nn class name>, **kwargs} and Sequential's "layers" list."""
    kind = spec["type"]
    if kind == "Sequential":
        return nn.Sequential(*[from_spec(layer) for layer in spec["layers"]])
    kwargs = {k: v for k, v in spec.items() if k != "type"}
    return getattr(nn, kind)(**kwargs)


def build(arch: str) -> nn.Module:
    """`arch` is a name from NAMED or a JSON spec (text starting with "{")."""
    if arch.lstrip().startswith("{"):
        return from_spec(json.loads(arch))
    if arch not in NAMED:
        raise SystemExit("unknown arch %r (known: %s, or a JSON spec)" % (arch, ", ".join(NAMED)))
    torch.manual_seed(0)
    return NAMED[arch]()
