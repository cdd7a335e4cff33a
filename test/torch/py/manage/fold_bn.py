"""`pthlab fold-bn` against torch.nn.utils.fusion.

argv: {"make": CASES} saves each case's state_dict (moved BatchNorm statistics); {"check": CASES} with each
case's "out" (pthlab's folded general checkpoint) prints, per case: the folded arch's layer types, whether it
loads strictly into the model its arch builds, the largest output difference from the original model in eval
mode, and for each fold whether pthlab's weight and bias equal fuse_conv_bn_eval's / fuse_linear_bn_eval's.
"""
import json

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval

from common import args, build, case_input, emit, make_states

PARTNER = {nn.Conv2d: nn.BatchNorm2d, nn.Linear: nn.BatchNorm1d}


def check(case):
    original = build(case["spec"])
    original.load_state_dict(torch.load(case["state"]))
    original.eval()
    ck = torch.load(case["out"], weights_only=True)
    arch = json.loads(ck["arch"])
    folded = build(arch)
    missing, unexpected = folded.load_state_dict(ck["model_state_dict"], strict=False)
    folded.eval()
    x = case_input(case)
    with torch.no_grad():
        diff = (folded(x) - original(x)).abs().max().item()
    folds = []
    layers, target, i = list(original), 0, 0
    while i < len(layers):
        layer, nxt = layers[i], layers[i + 1] if i + 1 < len(layers) else None
        if type(nxt) is PARTNER.get(type(layer)) and nxt.track_running_stats:
            fuse = fuse_conv_bn_eval if isinstance(layer, nn.Conv2d) else fuse_linear_bn_eval
            ref = fuse(layer, nxt)
            ours = folded[target]
            folds.append({"at": [i, target], "weight": bool(torch.equal(ours.weight, ref.weight)),
                          "bias": bool(torch.equal(ours.bias, ref.bias)),
                          "max": max((ours.weight - ref.weight).abs().max().item(),
                                     (ours.bias - ref.bias).abs().max().item())})
            i += 1
        i, target = i + 1, target + 1
    return {"types": [type(m).__name__ for m in folded], "missing": missing, "unexpected": unexpected,
            "out_diff": diff, "folds": folds}


cfg = args()
if "make" in cfg:
    make_states(cfg["make"])
    emit({})
else:
    emit({name: check(case) for name, case in cfg["check"].items()})
