"""pthlab's architecture JSON <-> torch.nn modules.

The spec uses torch.nn's own class and keyword names; a Sequential lists its children under "layers":

    {"type": "Sequential", "layers": [
        {"type": "Linear", "in_features": 2, "out_features": 16},
        {"type": "ReLU"},
        {"type": "Linear", "in_features": 16, "out_features": 3}]}

    model = build(spec)                # or build(json_text), or build(ck["arch"]) of a pthlab checkpoint
    spec = to_spec(model)              # the JSON (as a dict) for a module made of supported layers
    model, ck = load_checkpoint(path)  # a pthlab general checkpoint, ready to evaluate or resume

A pthlab general checkpoint (`pthlab train --out`) is a plain dict that torch.load opens with
weights_only=True: epoch, step, model_state_dict, optimizer_state_dict, loss, arch (the spec as JSON
text), pthlab {version, format_version, optimizer, loss_fn, batch_size, seed, shuffle}.

Run as a script: `python pthlab_arch.py ARCH.json` prints the module it builds, and
`python pthlab_arch.py --demo` prints the spec of a small CNN.
"""
import json
import sys

import torch
from torch import nn

REQUIRED = object()

# Per supported class: its keyword arguments in torch's order with their defaults (REQUIRED: no default).
# to_spec writes the required ones and those that differ from the default.
SUPPORTED = {
    "Linear": {"in_features": REQUIRED, "out_features": REQUIRED, "bias": True},
    "Conv2d": {
        "in_channels": REQUIRED,
        "out_channels": REQUIRED,
        "kernel_size": REQUIRED,
        "stride": 1,
        "padding": 0,
        "dilation": 1,
        "groups": 1,
        "bias": True,
        "padding_mode": "zeros",
    },
    "BatchNorm1d": {"num_features": REQUIRED, "eps": 1e-5, "momentum": 0.1, "affine": True, "track_running_stats": True},
    "BatchNorm2d": {"num_features": REQUIRED, "eps": 1e-5, "momentum": 0.1, "affine": True, "track_running_stats": True},
    "LayerNorm": {"normalized_shape": REQUIRED, "eps": 1e-5, "elementwise_affine": True, "bias": True},
    "Embedding": {"num_embeddings": REQUIRED, "embedding_dim": REQUIRED, "padding_idx": None},
    "Dropout": {"p": 0.5},
    "Flatten": {"start_dim": 1, "end_dim": -1},
    "MaxPool2d": {"kernel_size": REQUIRED, "stride": None, "padding": 0, "dilation": 1, "ceil_mode": False},
    "AvgPool2d": {
        "kernel_size": REQUIRED,
        "stride": None,
        "padding": 0,
        "ceil_mode": False,
        "count_include_pad": True,
        "divisor_override": None,
    },
    "ReLU": {},
    "LeakyReLU": {"negative_slope": 0.01},
    "GELU": {"approximate": "none"},
    "Tanh": {},
    "Sigmoid": {},
    "Softmax": {"dim": REQUIRED},
}


def build(spec):
    """The nn.Module of a spec: a dict, or its JSON text."""
    if isinstance(spec, str):
        spec = json.loads(spec)
    spec = dict(spec)
    kind = spec.pop("type", None)
    if kind == "Sequential":
        layers = spec.pop("layers", [])
        if spec:
            raise TypeError(f"Sequential takes only 'layers', got {sorted(spec)}")
        return nn.Sequential(*[build(layer) for layer in layers])
    if kind not in SUPPORTED:
        raise ValueError(f"pthlab does not support the module type {kind!r}")
    kwargs = {k: tuple(v) if isinstance(v, list) and k != "normalized_shape" else v for k, v in spec.items()}
    return getattr(nn, kind)(**kwargs)


def to_spec(module):
    """The spec (a JSON-ready dict) of a module made only of supported layers and Sequentials."""
    kind = type(module).__name__
    if isinstance(module, nn.Sequential):
        return {"type": "Sequential", "layers": [to_spec(child) for child in module]}
    if kind not in SUPPORTED or type(module) is not getattr(nn, kind):
        raise ValueError(f"pthlab does not support the module type {kind!r}")
    spec = {"type": kind}
    for name, default in SUPPORTED[kind].items():
        value = _keyword(module, kind, name)
        if default is REQUIRED or value != default:
            spec[name] = value
    return spec


def _keyword(module, kind, name):
    """A constructor argument read back from the module's attributes."""
    if name == "bias":
        return getattr(module, "bias", None) is not None
    if kind == "LayerNorm" and name == "normalized_shape":
        return list(module.normalized_shape)
    value = getattr(module, name)
    if kind == "MaxPool2d" and name == "stride" and value == module.kernel_size:
        return None  # torch stores stride=None as kernel_size
    if kind == "AvgPool2d" and name == "stride" and value == module.kernel_size:
        return None
    if isinstance(value, tuple):
        value = list(value)
        if len(set(value)) == 1 and kind in ("Conv2d",) and name != "padding_mode":
            value = value[0]
    return value


def load_checkpoint(path, map_location="cpu"):
    """A pthlab (or compatible) general checkpoint: returns (model with its weights, the checkpoint dict)."""
    ck = torch.load(path, map_location=map_location, weights_only=True)
    model = build(ck["arch"] if isinstance(ck["arch"], (str, dict)) else json.dumps(ck["arch"]))
    model.load_state_dict(ck["model_state_dict"])
    return model, ck


def demo_cnn():
    """A small CNN for (B, 1, 8, 8) inputs and 3 classes, made of supported layers."""
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),  # (B, 4, 8, 8)
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),  # (B, 4, 4, 4)
        nn.Flatten(),  # (B, 64)
        nn.Linear(64, 3),
    )


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--demo":
        print(json.dumps(to_spec(demo_cnn()), indent=2))
    elif len(sys.argv) == 2:
        with open(sys.argv[1]) as f:
            print(build(json.load(f)))
    else:
        sys.exit("usage: pthlab_arch.py ARCH.json | --demo")
