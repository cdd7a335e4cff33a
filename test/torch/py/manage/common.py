"""Shared by the model-management reference scripts: models from pthlab's architecture JSON, seeded inputs."""
import json
import sys

import torch
from torch import nn

# torch's native CPU kernels, as the engine scripts use (engine/common.py says why).
torch.backends.mkldnn.enabled = False


def build(spec):
    """The torch.nn module of an architecture spec (torch's class and keyword names; Sequential's `layers`)."""
    spec = dict(spec)
    kind = spec.pop("type")
    if kind == "Sequential":
        return nn.Sequential(*[build(s) for s in spec.pop("layers", [])])
    return getattr(nn, kind)(**spec)


def example_input(shape, seed, dtype="float32", high=None):
    g = torch.Generator().manual_seed(seed)
    if dtype == "int64":
        return torch.randint(0, high, shape, generator=g)
    return torch.randn(shape, generator=g)


def trained_state(spec, shape, seed, dtype="float32", high=None):
    """A model of `spec` whose BatchNorm statistics and affine terms are not the defaults: a few training-mode
    forwards move the running statistics, and every parameter is redrawn so folds and masks are not trivial."""
    torch.manual_seed(seed)
    model = build(spec)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
        model.train()
        for i in range(3):
            model(example_input(shape, seed + 100 + i, dtype, high))
    return model.state_dict()


def make_states(cases):
    """{"make": {name: {"spec", "input", "state": PATH, ...}}}: each case's state_dict, saved."""
    for case in cases.values():
        torch.save(trained_state(case["spec"], case["input"], case.get("seed", 7), case.get("dtype", "float32"),
                                 case.get("high")), case["state"])


def case_input(case, seed=11):
    return example_input(case["input"], seed, case.get("dtype", "float32"), case.get("high"))


def emit(obj):
    json.dump(obj, sys.stdout, allow_nan=False)
    sys.stdout.write("\n")


def args():
    return json.loads(sys.argv[1])
