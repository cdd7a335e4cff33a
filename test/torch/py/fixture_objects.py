"""The in-memory objects make_fixtures.py saves: small trained models, optimizers and edge-case containers."""

from __future__ import annotations

import collections
import math
from typing import Any

import torch
from torch import nn

import pthmodels

def trained_mlp() -> tuple[nn.Module, dict[str, torch.optim.Optimizer]]:
    """An MLP and optimizers (Adam with two param groups, AdamW amsgrad, SGD momentum, plain SGD), 2 steps each."""
    torch.manual_seed(0)
    model = pthmodels.mlp()
    opts: dict[str, torch.optim.Optimizer] = {
        "adam": torch.optim.Adam(
            [{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": 1e-2}], lr=1e-3
        ),
        "adamw": torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01, amsgrad=True),
        "sgd_momentum": torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True),
        "sgd": torch.optim.SGD(model.parameters(), lr=0.1),
    }
    x, y = torch.randn(8, 2), torch.randint(0, 3, (8,))
    for opt in opts.values():
        for _ in range(2):
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
    return model, opts


def trained_cnn_bn() -> nn.Module:
    torch.manual_seed(0)
    model = pthmodels.cnn_bn()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(4, 1, 8, 8), torch.randint(0, 3, (4,))
    for _ in range(2):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return model


MLP, OPTS = trained_mlp()
ARCH = {
    "type": "Sequential",
    "layers": [
        {"type": "Linear", "in_features": 2, "out_features": 16},
        {"type": "ReLU"},
        {"type": "Linear", "in_features": 16, "out_features": 3},
    ],
}
SPECIAL_F = [0.0, -0.0, 1.5, -2.25, math.nan, math.inf, -math.inf, 1e-30, 3.0e38]


def every_dtype() -> dict[str, torch.Tensor]:
    torch.manual_seed(1)
    return {
        "float64": torch.tensor(SPECIAL_F + [1e-300, 5e-324], dtype=torch.float64),
        "float32": torch.tensor(SPECIAL_F, dtype=torch.float32).reshape(3, 3),
        "float16": torch.tensor([0.0, -0.0, 65504.0, 6e-8, math.nan, math.inf, -1.0], dtype=torch.float16),
        "bfloat16": torch.tensor([0.0, -0.0, 3.0e38, 1.0, math.nan, -math.inf], dtype=torch.bfloat16).reshape(2, 3),
        "int64": torch.tensor([-(2**63), 2**63 - 1, -1, 0, 2**53 + 1], dtype=torch.int64),
        "int32": torch.tensor([-(2**31), 2**31 - 1, -1, 0], dtype=torch.int32),
        "int16": torch.tensor([-(2**15), 2**15 - 1, -1], dtype=torch.int16),
        "int8": torch.tensor([-128, 127, -1, 0], dtype=torch.int8),
        "uint8": torch.tensor([0, 1, 127, 128, 255], dtype=torch.uint8),
        "bool": torch.tensor([[True, False, True], [False, False, True]]),
        "complex64": torch.tensor([1 + 2j, -0.5j, complex(math.nan, math.inf)], dtype=torch.complex64),
        "complex128": torch.randn(2, 2, dtype=torch.complex128),
    }


def v3_dtypes() -> dict[str, torch.Tensor]:
    f = torch.tensor([0.0, -0.0, 1.0, -2.5, 448.0, 1e-3, 57344.0])
    out = {
        "float8_e4m3fn": f[:6].to(torch.float8_e4m3fn),
        "float8_e5m2": f.to(torch.float8_e5m2),
        "uint16": torch.tensor([0, 1, 65535], dtype=torch.int64).to(torch.uint16),
        "uint32": torch.tensor([0, 1, 2**32 - 1], dtype=torch.int64).to(torch.uint32),
        "uint64": torch.tensor([0, 1, -1, 2**62], dtype=torch.int64).view(torch.uint64),
    }
    for name in ("float8_e4m3fnuz", "float8_e5m2fnuz"):
        if hasattr(torch, name):
            out[name] = f[:4].to(getattr(torch, name))
    return out


def shared_storage() -> dict[str, torch.Tensor]:
    torch.manual_seed(2)
    base = torch.arange(20.0)
    tied = torch.randn(4, 3)
    return {
        "view_offset": base[5:9],  # first sight of base's storage is through a view: numel is still 20
        "view_2d": base[2:14].view(3, 4),
        "slice_small": base[:3],
        "transposed_view": base[:12].view(3, 4).t(),
        "tied_a": tied,
        "tied_b": tied,
        "base": base,
        "int_view": torch.arange(10)[7:],
    }


def non_contiguous() -> dict[str, torch.Tensor]:
    torch.manual_seed(3)
    return {
        "transposed": torch.randn(3, 4).t(),
        "expanded": torch.tensor([1.0, 2.0]).expand(3, 2),
        "expand_scalar": torch.tensor(7.0).expand(2, 2),
        "step_slice": torch.randn(4, 6)[:, ::2],
        "permuted": torch.randn(2, 3, 4).permute(2, 0, 1),
        "channels_last": torch.randn(1, 3, 2, 2).contiguous(memory_format=torch.channels_last),
    }


def zero_dim_and_empty() -> dict[str, torch.Tensor]:
    return {
        "scalar_f32": torch.tensor(3.5),
        "scalar_i64": torch.tensor(7),
        "scalar_bool": torch.tensor(True),
        "num_batches_tracked": torch.tensor(0, dtype=torch.long),
        "step": torch.tensor(2.0),
        "empty": torch.zeros(0),
        "empty_2d": torch.zeros(0, 3),
        "empty_i64": torch.zeros(2, 0, dtype=torch.int64),
        "empty_bool": torch.zeros(0, dtype=torch.bool),
    }


def scalar_values() -> dict[Any, Any]:
    return {
        "ints": {
            "zero": 0,
            "u8max": 255,
            "u8over": 256,
            "u16max": 65535,
            "u16over": 65536,
            "i32max": 2**31 - 1,
            "i32over": 2**31,
            "i32min": -(2**31),
            "i32under": -(2**31) - 1,
            "neg1": -1,
            "neg300": -300,
            "neg70000": -70000,
            "p53": 2**53,
            "p53plus1": 2**53 + 1,
            "i64max": 2**63 - 1,
            "i64min": -(2**63),
            "p64": 2**64,
            "p100": 2**100,
            "n100": -(2**100),
        },
        "floats": {
            "one": 1.0,
            "half": 0.5,
            "third": 1 / 3,
            "loss": 0.4321,
            "small": 1e-5,
            "tiny": 1e-300,
            "denormal": 5e-324,
            "p16": 1e16,
            "huge": 1.5e300,
            "negzero": -0.0,
            "nan": math.nan,
            "inf": math.inf,
            "ninf": -math.inf,
        },
        "strings": {
            "": "empty key",
            "ключ": "значение",
            "日本": "語",
            "emoji 🎉": "😀",
            "__proto__": "proto",
            "constructor": "ctor",
            "toString": "ts",
            'quote"back\\slash': "ctl\x01\x1f\n\t\x7f",
            "a.b": "dotted key",
            "empty": "",
        },
        "none": None,
        "true": True,
        "false": False,
        "nested": {
            "list": [1, [2, [3, []]], {}, "x"],
            "tuple": (1, "two", 3.0),
            "pair": (0.9, 0.999),
            "empty_list": [],
            "empty_tuple": (),
            "empty_dict": {},
            "deep": {"a": {"b": {"c": {"d": [None, True]}}}},
        },
        "intkeys": {0: "a", 1: "b", 10: "c", 2: "d", -1: "neg", 2**40: "big"},
    }


def python_objects() -> dict[str, Any]:
    return {
        "bytes": b"\x00\xffab",
        "bytearray": bytearray(b"xy"),
        "set": {3, 1, 2},
        "str_set": {"b", "a"},
        "complex": 1 + 2j,
        "dtype": torch.float16,
        "device": torch.device("cpu"),
        "size": torch.Size([2, 3]),
    }


def general_checkpoint() -> dict[str, Any]:
    return {
        "epoch": 3,
        "step": 120,
        "model_state_dict": MLP.state_dict(),
        "optimizer_state_dict": OPTS["adam"].state_dict(),
        "loss": 0.4321,
        "arch": ARCH,
        "pthlab": {"version": "0.1.0", "dataset": "spirals"},
    }


def many_tensors() -> collections.OrderedDict[str, torch.Tensor]:
    torch.manual_seed(4)
    return collections.OrderedDict(("layers.%d.weight" % i, torch.randn(2)) for i in range(300))


def param_with_state() -> dict[str, Any]:
    p = nn.Parameter(torch.ones(2))
    p.custom_attr = "hello"  # type: ignore[attr-defined]
    return {"p": p}
