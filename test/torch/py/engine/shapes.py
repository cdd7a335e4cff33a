"""Output shapes and refusals of architecture specs under real torch, for pthlab's shape inference.

argv[1]: one JSON object {arch_module_dir, cases: [{spec, input: shape, dtype: 'float32' | 'int64'}]}.
Each top-level layer is built with examples/pytorch/pthlab_arch.py and run in eval mode on zeros, one after
the other, so a refusal names its layer. Prints one JSON line: per case either
{"shapes": [[...] per layer], "params": [n per layer]} or {"failed_at": i, "error": class name, "message": str}.
"""
import json
import sys
import warnings

import torch

from common import emit

cfg = json.loads(sys.argv[1])
sys.path.insert(0, cfg["arch_module_dir"])
import pthlab_arch  # noqa: E402

# padding='same' with an even kernel warns; the shapes are what matter here.
warnings.simplefilter("ignore")


def run(case):
    spec = case["spec"]
    layers = spec["layers"] if spec.get("type") == "Sequential" else [spec]
    dtype = torch.int64 if case.get("dtype") == "int64" else torch.float32
    x = torch.zeros(case["input"], dtype=dtype)
    shapes, params = [], []
    for i, layer in enumerate(layers):
        try:
            module = pthlab_arch.build(layer).eval()
            with torch.no_grad():
                x = module(x)
        except Exception as e:  # noqa: BLE001 - every refusal is reported, with its class
            return {"failed_at": i, "error": type(e).__name__, "message": str(e)}
        shapes.append(list(x.shape))
        params.append(sum(p.numel() for p in module.parameters()))
    return {"shapes": shapes, "params": params}


emit([run(case) for case in cfg["cases"]])
