"""Data and initial weights for a training parity case, made by torch.

argv: one JSON object {arch_module_dir, arch (dict), x_shape, classes (int, for class ids) or y_shape (floats),
seed, data (output .safetensors), init (output state_dict .pth)}.
x ~ N(0, 1); y = class ids from a fixed random linear rule (learnable), or floats from a random linear map.
"""
import json
import sys

import torch
from safetensors.torch import save_file

cfg = json.loads(sys.argv[1])
sys.path.insert(0, cfg["arch_module_dir"])
import pthlab_arch  # noqa: E402

torch.manual_seed(cfg["seed"])
x = torch.randn(*cfg["x_shape"])
flat = x.reshape(x.shape[0], -1)
if "classes" in cfg:
    w = torch.randn(flat.shape[1], cfg["classes"])
    y = (flat @ w).argmax(dim=1).to(torch.int64)
else:
    w = torch.randn(flat.shape[1], cfg["y_shape"][-1])
    y = (flat @ w * 0.5).reshape(cfg["y_shape"])
save_file({"x": x.contiguous(), "y": y.contiguous()}, cfg["data"])
model = pthlab_arch.build(cfg["arch"])
torch.save(model.state_dict(), cfg["init"])
print(json.dumps({"rows": int(x.shape[0]), "classes": sorted(set(y.reshape(-1).tolist())) if "classes" in cfg else None}))
