"""`pthlab convert --whole-model` against torch.

argv: one JSON object, {"make": CASES} or {"check": CASES}, CASES mapping names to {"spec", "input", "state": SD,
...}. "make" saves each case's state_dict with moved BatchNorm statistics. "check" loads each case's
pthlab whole-model file ("check": WHOLE) every way
this torch allows and prints what a test compares: whether each way gave outputs equal to the state_dict in a
model built from the spec (eval mode), each module's class and `training` flag, and every attribute whose
value differs from a freshly built module's or that one of them lacks.
"""
import io

import torch
from torch import nn

from common import args, build, emit, example_input, make_states

HOOKS_2_X = {"_backward_pre_hooks", "_forward_hooks_with_kwargs", "_forward_hooks_always_called",
             "_forward_pre_hooks_with_kwargs", "_state_dict_pre_hooks"}


# torch 2.x holds these in plain dicts, 1.13 in OrderedDicts; pthlab writes 2.x's, which 1.13 uses alike.
CONTAINERS = {"_parameters", "_buffers"}
old = torch.__version__.startswith("1.")


def plain(v, as_saved=False):
    """Attribute values as comparable data: tensors and hook dicts by content, lists and tuples apart.
    `as_saved` names torch 1.13's OrderedDict `dict`, as pthlab's file holds it."""
    if isinstance(v, dict) and as_saved:
        return ("dict", tuple((k, plain(x)) for k, x in v.items()))
    if isinstance(v, torch.Tensor):
        return ("tensor", v.dtype, tuple(v.shape), v.detach().tolist(), isinstance(v, nn.Parameter), v.requires_grad)
    if isinstance(v, dict):
        return (type(v).__name__, tuple((k, plain(x)) for k, x in v.items()))
    if isinstance(v, nn.Module):
        return ("module", type(v).__name__)
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, tuple(plain(x) for x in v))
    if isinstance(v, set):
        return ("set", tuple(sorted(v)))
    return (type(v).__name__, v)


def compare(loaded, reference):
    problems = []
    for (name, got), (_, want) in zip(loaded.named_modules(), reference.named_modules()):
        if type(got) is not type(want):
            problems.append(f"{name}: {type(got).__name__} is not {type(want).__name__}")
            continue
        ours, theirs = vars(got), vars(want)
        for key in sorted(set(ours) | set(theirs)):
            if key not in theirs and key in HOOKS_2_X and old:
                continue  # torch 2.x's hook dicts: unused attributes in 1.13
            if key not in ours or key not in theirs:
                problems.append(f"{name}.{key}: only in {'pthlab' if key in ours else 'torch'}")
            elif key != "_modules" and plain(ours[key]) != plain(theirs[key], old and key in CONTAINERS):
                problems.append(f"{name}.{key}: {plain(ours[key])!r} != {plain(theirs[key])!r}")
    return problems


def check(case):
    spec, shape = case["spec"], case["input"]
    dtype, high = case.get("dtype", "float32"), case.get("high")
    reference = build(spec)
    reference.load_state_dict(torch.load(case["state"]))
    reference.eval()
    x = example_input(shape, 11, dtype, high)
    with torch.no_grad():
        expected = reference(x)
    data = open(case["check"], "rb").read()
    loads = {"weights_only=False": lambda: torch.load(io.BytesIO(data), weights_only=False)}
    if hasattr(torch.serialization, "safe_globals"):
        classes = [getattr(nn, name.split(".")[-1]) for name in case["classes"]]

        def safe():
            with torch.serialization.safe_globals(classes):
                return torch.load(io.BytesIO(data), weights_only=True)

        loads["safe_globals"] = safe
    result = {"version": torch.__version__, "ways": {}}
    for way, load in loads.items():
        model = load()
        with torch.no_grad():
            out = model(x)
        result["ways"][way] = {
            "equal": bool(torch.equal(out, expected)),
            "classes": [type(m).__name__ for m in model.modules()],
            "training": [m.training for m in model.modules()],
            "problems": compare(model, reference),
        }
    try:
        torch.load(io.BytesIO(data))
        result["plain"] = "loaded"
    except Exception as e:  # torch >= 2.6: weights_only=True by default refuses the module classes
        result["plain"] = type(e).__name__ + ": " + str(e)[:2000]
    return result


# {"make": {name: case}} or {"check": {name: case}}: one torch start for every case.
cfg = args()
if "make" in cfg:
    make_states(cfg["make"])
    emit({})
else:
    emit({name: check(case) for name, case in cfg["check"].items()})
