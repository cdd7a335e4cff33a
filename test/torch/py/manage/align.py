"""`pthlab align` against torch: the loss barrier along the line between two independently trained models.

argv: {"train": {"a": PATH, "b": PATH, "spec": ..., "steps": N}} trains the spec twice (seeds 1 and 2) on one
synthetic task (labels from a random teacher network) and saves both state_dicts. {"make": CASES} saves
state_dicts of other specs. {"check": CASES}, each case with "a", "b" and pthlab's "aligned" (and optionally
"fused"), prints: how the aligned file loads strictly, the largest output difference from B, and the loss and
accuracy on the task along A -> B and A -> aligned B (with the barriers: the largest excess over the straight
line between the end losses), and the fused model's loss.
"""
import torch
from torch import nn
import torch.nn.functional as F

from common import args, build, case_input, emit, make_states

STEPS = 21


def task(features, classes, n=512):
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(n, features, generator=g)
    teacher_w1 = torch.randn(features, 64, generator=g)
    teacher_w2 = torch.randn(64, classes, generator=g)
    y = (torch.tanh(x @ teacher_w1) @ teacher_w2).argmax(1)
    return x, y


def train(cfg):
    spec = cfg["spec"]
    x, y = task(cfg["features"], cfg["classes"])
    for seed, path in ((1, cfg["a"]), (2, cfg["b"])):
        torch.manual_seed(seed)
        model = build(spec)
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        for _ in range(cfg["steps"]):
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
        torch.save(model.state_dict(), path)


def lerp(a, b, t):
    return {k: (1 - t) * a[k] + t * b[k] if a[k].is_floating_point() else a[k] for k in a}


def curve(model, a, b, x, y):
    losses, accs = [], []
    for i in range(STEPS):
        model.load_state_dict(lerp(a, b, i / (STEPS - 1)))
        with torch.no_grad():
            out = model(x)
        losses.append(F.cross_entropy(out, y).item())
        accs.append((out.argmax(1) == y).float().mean().item())
    barrier = max(l - ((1 - i / (STEPS - 1)) * losses[0] + i / (STEPS - 1) * losses[-1]) for i, l in enumerate(losses))
    return {"loss": losses, "accuracy": accs, "barrier": barrier}


def check(case):
    model = build(case["spec"]).eval()
    a, b = torch.load(case["a"]), torch.load(case["b"])
    aligned = torch.load(case["aligned"], weights_only=True)
    try:
        model.load_state_dict(aligned)
        strict = "ok"
    except RuntimeError as e:
        strict = str(e)
    x = case_input(case) if "input" in case else task(case["features"], case["classes"])[0]
    with torch.no_grad():
        out_aligned = model(x)
        model.load_state_dict(b)
        diff = (out_aligned - model(x)).abs().max().item()
        scale = model(x).abs().max().item()
    result = {"strict": strict, "out_diff": diff, "out_scale": scale,
              "moved": any(not torch.equal(aligned[k], b[k]) for k in b)}
    if "features" in case:
        x, y = task(case["features"], case["classes"])
        result["before"] = curve(model, a, b, x, y)
        result["after"] = curve(model, a, aligned, x, y)
        if "fused" in case:
            model.load_state_dict(torch.load(case["fused"], weights_only=True))
            with torch.no_grad():
                result["fused_loss"] = F.cross_entropy(model(x), y).item()
    return result


cfg = args()
if "train" in cfg:
    train(cfg["train"])
    emit({})
elif "make" in cfg:
    make_states(cfg["make"])
    emit({})
else:
    emit({name: check(case) for name, case in cfg["check"].items()})
