"""A state_dict the sandbox page saved, under real torch: loaded with weights_only=True into the module that
examples/pytorch/pthlab_arch.py builds from the page's architecture, strictly, then evaluated on fixed points.

argv: one JSON object {arch_module_dir, arch, state_dict (path), points: [[x, y], ...]}.
Prints one JSON line: {"keys": [[key, dtype, shape], ...], "logits": [[...], ...]}.
"""
import json
import sys

import torch

cfg = json.loads(sys.argv[1])
sys.path.insert(0, cfg["arch_module_dir"])
import pthlab_arch  # noqa: E402

state_dict = torch.load(cfg["state_dict"], weights_only=True)
model = pthlab_arch.build(cfg["arch"])
model.load_state_dict(state_dict, strict=True)
model.eval()
with torch.no_grad():
    logits = model(torch.tensor(cfg["points"], dtype=torch.float32))
out = {
    "keys": [[k, str(v.dtype).removeprefix("torch."), list(v.shape)] for k, v in state_dict.items()],
    "logits": logits.tolist(),
}
json.dump(out, sys.stdout)
sys.stdout.write("\n")
