"""`pthlab prune` against torch.nn.utils.prune.

argv: {"make": CASES} saves each case's state_dict; {"check": CASES} prunes each case's model with torch
(`l1_unstructured` per Linear/Conv2d weight, or `global_unstructured` over all of them with "global"; then
`prune.remove` with "remove") and prints, per case: pthlab's keys and torch's, the keys whose tensors differ
(masks, weight_orig, pruned weights), and how a fresh module loads pthlab's file strictly (prepared with
`prune.identity`, or plain after "remove").
"""
import torch
from torch import nn
from torch.nn.utils import prune

from common import args, build, emit, make_states


def targets(model):
    return [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]


def check(case):
    amount = int(case["amount"]) if case.get("count") else float(case["amount"])
    model = build(case["spec"])
    model.load_state_dict(torch.load(case["state"]))
    if case.get("global"):
        params = [(m, "weight") for m in targets(model)]
        prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=amount)
    else:
        for m in targets(model):
            prune.l1_unstructured(m, "weight", amount)
    if case.get("remove"):
        for m in targets(model):
            prune.remove(m, "weight")
    theirs = model.state_dict()
    ours = torch.load(case["out"], weights_only=True)
    fresh = build(case["spec"])
    if not case.get("remove"):
        for m in targets(fresh):
            prune.identity(m, "weight")
    try:
        fresh.load_state_dict(ours)
        strict = "ok"
    except RuntimeError as e:
        strict = str(e)
    unequal = [k for k in theirs if k not in ours or not torch.equal(ours[k], theirs[k])
               or ours[k].dtype != theirs[k].dtype]
    zeros = sum(int((m.weight == 0).sum()) for m in targets(model))
    return {"ours": list(ours.keys()), "theirs": list(theirs.keys()), "unequal": unequal, "strict": strict,
            "zeros": zeros}


cfg = args()
if "make" in cfg:
    make_states(cfg["make"])
    emit({})
else:
    emit({name: check(case) for name, case in cfg["check"].items()})
