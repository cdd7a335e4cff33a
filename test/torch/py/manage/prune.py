"""`pthlab prune` against torch.nn.utils.prune.

argv: {"make": CASES} saves each case's state_dict; {"check": CASES} prunes each case's model with torch
(`l1_unstructured` per Linear/Conv2d weight, or `global_unstructured` over all of them with "global"; then
`prune.remove` with "remove") and prints, per case: pthlab's keys and torch's, the keys whose tensors differ
(masks, weight_orig, pruned weights), and how a fresh module loads pthlab's file strictly (prepared with
`prune.identity`, or plain after "remove"). With "method": "taylor" torch's masks use importance_scores
|grad * w| of the mean cross-entropy on the "data" file's rows, in eval mode.
"""
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn
from torch.nn.utils import prune

from common import args, build, emit, make_states


def targets(model):
    return [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]


def make_data(path, shape, classes):
    g = torch.Generator().manual_seed(21)
    save_file({"x": torch.randn(shape, generator=g), "y": torch.randint(0, classes, (shape[0],), generator=g)}, path)


def taylor_scores(model, data):
    """|grad * w| of the mean cross-entropy over every row, in eval mode: what `--method taylor` scores."""
    tensors = load_file(data)
    model.eval()
    F.cross_entropy(model(tensors["x"]), tensors["y"]).backward()
    return {m: (m.weight.grad * m.weight).detach().abs() for m in targets(model)}


def check(case):
    amount = int(case["amount"]) if case.get("count") else float(case["amount"])
    model = build(case["spec"])
    model.load_state_dict(torch.load(case["state"]))
    scores = taylor_scores(model, case["data"]) if case.get("method") == "taylor" else {}
    if case.get("global"):
        params = [(m, "weight") for m in targets(model)]
        importance = {(m, "weight"): s for m, s in scores.items()} or None
        prune.global_unstructured(params, pruning_method=prune.L1Unstructured, importance_scores=importance,
                                  amount=amount)
    else:
        for m in targets(model):
            prune.l1_unstructured(m, "weight", amount, importance_scores=scores.get(m))
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
    if "data" in cfg:
        make_data(cfg["data"], cfg["data_shape"], cfg["classes"])
    emit({})
else:
    emit({name: check(case) for name, case in cfg["check"].items()})
