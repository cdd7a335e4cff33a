"""Reference values for `pthlab inspect --stats` and `pthlab fuse`, from torch.

argv: one JSON object {"make": PATH_A, "make_b": PATH_B, "make_c": PATH_C} writes state_dicts (with a BatchNorm counter and,
in A, a tensor holding NaN, +Inf and zeros; C incompatible with them); {"stats": PATH} prints per-tensor statistics;
{"fuse": [PATHS], "weights": [W...], "out": FUSED} loads pthlab's fused file (weights_only=True) and prints
the largest difference from torch's own weighted average (integer tensors: the maximum).
"""
import json
import sys

import torch

cfg = json.loads(sys.argv[1])
if "make" in cfg:
    torch.manual_seed(3)
    for path, shift in ((cfg["make"], 0.0), (cfg["make_b"], 1.0)):
        sd = {
            "fc.weight": torch.randn(5, 7) + shift,
            "fc.bias": torch.zeros(5),
            "bn.running_var": torch.rand(5) * 3,
            "bn.num_batches_tracked": torch.tensor(7 if shift else 4),
            "odd": torch.tensor([1.0, float("nan"), float("inf"), 0.0, -2.5, 0.0], dtype=torch.float64),
        }
        torch.save(sd, path)
    # incompatible with A: fc.weight of another shape, no "odd", an extra key
    torch.save({"fc.weight": torch.randn(5, 6), "fc.bias": torch.zeros(5), "bn.running_var": torch.ones(5),
                "bn.num_batches_tracked": torch.tensor(1), "extra": torch.ones(1)}, cfg["make_c"])
    print("{}")
elif "stats" in cfg:
    out = {}
    for k, t in torch.load(cfg["stats"], weights_only=True).items():
        t = t.double()
        f = t[torch.isfinite(t)]
        out[k] = {
            "mean": f.mean().item(),
            "std": f.std().item() if f.numel() > 1 else None,
            "min": f.min().item(),
            "max": f.max().item(),
            "norm": f.norm().item(),
            "zeroFraction": (t == 0).double().mean().item(),
            "nanCount": int(torch.isnan(t).sum()),
            "infCount": int(torch.isinf(t).sum()),
        }
    print(json.dumps(out, allow_nan=False))
else:
    sds = [torch.load(p, weights_only=True) for p in cfg["fuse"]]
    fused = torch.load(cfg["out"], weights_only=True)
    worst = {}
    for k, ref in sds[0].items():
        if ref.is_floating_point():
            expected = sum(w * sd[k].double() for w, sd in zip(cfg["weights"], sds)).to(ref.dtype)
        else:
            expected = torch.stack([sd[k] for sd in sds]).max(0).values
        got = fused[k]
        assert got.dtype == ref.dtype and got.shape == ref.shape, k
        finite = torch.isfinite(expected)
        same_nonfinite = bool(torch.equal(expected[~finite].isnan(), got[~finite].isnan())) if (~finite).any() else True
        worst[k] = {"maxAbs": (got[finite].double() - expected[finite].double()).abs().max().item() if finite.any() else 0.0,
                    "sameNonFinite": same_nonfinite}
    print(json.dumps({"keys": list(fused.keys()), "type": type(fused).__name__, "worst": worst}))
