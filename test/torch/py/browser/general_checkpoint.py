"""PyTorch trains the sandbox's data and saves a general checkpoint for the page to load.

The data is pthlab's seeded moons, exported by the test as safetensors (x, y: the page's training rows; held_x:
its held-out rows). The model is built from `arch` by examples/pytorch/pthlab_arch.py; the optimizer is torch's
own (sgd, adam or adamw with the given keywords, optionally in two param groups: weights, then biases), trained
`steps` steps on rows (i*B .. i*B+B-1) mod n. The file is the general checkpoint of DESIGN.md: epoch, step,
model_state_dict, optimizer_state_dict, loss, arch (JSON text), and `pthlab` when the test gives one (a file
from PyTorch alone has none).

argv: one JSON object {arch_module_dir, arch, data, out, optimizer, options, two_groups, steps, batch_size,
seed, pthlab (dict or null)}. Prints one JSON line: {"held_logits": [[...], ...]}, the model's outputs on
held_x in eval mode.
"""
import json
import sys

import torch
from safetensors.torch import load_file

cfg = json.loads(sys.argv[1])
sys.path.insert(0, cfg["arch_module_dir"])
import pthlab_arch  # noqa: E402

torch.backends.mkldnn.enabled = False  # its conv2d gradients can be wrong: see engine/common.py

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}

torch.manual_seed(cfg["seed"])
data = load_file(cfg["data"])
x, y = data["x"], data["y"]
model = pthlab_arch.build(cfg["arch"])
if cfg["two_groups"]:
    named = list(model.named_parameters())
    params = [
        {"params": [p for name, p in named if not name.endswith("bias")]},
        {"params": [p for name, p in named if name.endswith("bias")]},
    ]
else:
    params = model.parameters()
optimizer = OPTIMIZERS[cfg["optimizer"]](params, **cfg["options"])
batch = cfg["batch_size"]
loss = None
for step in range(cfg["steps"]):
    rows = torch.arange(step * batch, (step + 1) * batch) % len(x)
    loss = torch.nn.functional.cross_entropy(model(x[rows]), y[rows])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

checkpoint = {
    "epoch": cfg["steps"] * batch // len(x),
    "step": cfg["steps"],
    "model_state_dict": model.state_dict(),
    "optimizer_state_dict": optimizer.state_dict(),
    "loss": loss.item(),
    "arch": json.dumps(cfg["arch"]),
}
if cfg["pthlab"] is not None:
    checkpoint["pthlab"] = cfg["pthlab"]
torch.save(checkpoint, cfg["out"])
model.eval()
with torch.no_grad():
    held_logits = model(data["held_x"]).tolist()
json.dump({"held_logits": held_logits}, sys.stdout)
sys.stdout.write("\n")
