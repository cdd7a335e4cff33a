"""A whole model the sandbox page saved ("Save whole model"), under real torch: loaded with torch 2.6's
weights_only=True default inside torch.serialization.safe_globals naming the classes the page's snippet names,
then evaluated on fixed points. No code of pthlab's is imported.

argv: one JSON object {path, classes: ["torch.nn.Sequential", ...], points: [[x, y], ...]}.
Prints one JSON line: {"type": ..., "training": bool, "keys": [...], "logits": [[...], ...]}.
"""
import json
import sys

import torch

cfg = json.loads(sys.argv[1])
classes = [getattr(torch.nn, name.removeprefix("torch.nn.")) for name in cfg["classes"]]
with torch.serialization.safe_globals(classes):
    model = torch.load(cfg["path"])
with torch.no_grad():
    logits = model(torch.tensor(cfg["points"], dtype=torch.float32))
out = {
    "type": type(model).__name__,
    "training": model.training,
    "keys": list(model.state_dict().keys()),
    "logits": logits.tolist(),
}
json.dump(out, sys.stdout)
sys.stdout.write("\n")
