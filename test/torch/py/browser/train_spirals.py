"""PyTorch trains the sandbox's model on the sandbox's own data, for the page to load.

The data is pthlab's seeded spirals, exported by the test as safetensors (train_x, train_y, held_x, held_y:
float32 rows and int64 class ids, split as the page splits them). The model is built from the page's
architecture JSON by examples/pytorch/pthlab_arch.py; Adam on shuffled mini-batches with cross-entropy, seeded.

argv: one JSON object {arch_module_dir, arch, data (path), out (path), epochs, batch_size, lr, seed}.
Saves model.state_dict() to `out` and prints one JSON line: {"correct", "n", "accuracy"} on the held-out rows.
"""
import json
import sys

import torch
from safetensors.torch import load_file

cfg = json.loads(sys.argv[1])
sys.path.insert(0, cfg["arch_module_dir"])
import pthlab_arch  # noqa: E402

torch.backends.mkldnn.enabled = False  # its conv2d gradients can be wrong: see engine/common.py

torch.manual_seed(cfg["seed"])
data = load_file(cfg["data"])
model = pthlab_arch.build(cfg["arch"])
optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
loss_fn = torch.nn.CrossEntropyLoss()
x, y = data["train_x"], data["train_y"]
for _ in range(cfg["epochs"]):
    order = torch.randperm(len(y))
    for start in range(0, len(y), cfg["batch_size"]):
        rows = order[start : start + cfg["batch_size"]]
        optimizer.zero_grad()
        loss = loss_fn(model(x[rows]), y[rows])
        loss.backward()
        optimizer.step()

model.eval()
with torch.no_grad():
    predicted = model(data["held_x"]).argmax(dim=1)
correct = int((predicted == data["held_y"]).sum())
n = len(data["held_y"])
torch.save(model.state_dict(), cfg["out"])
json.dump({"correct": correct, "n": n, "accuracy": correct / n}, sys.stdout)
sys.stdout.write("\n")
