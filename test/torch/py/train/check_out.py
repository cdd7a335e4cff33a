"""Opens a `pthlab train` checkpoint as a PyTorch user would, and continues it.

argv: one JSON object {arch_module_dir, path, data, steps, out (optional)}. Loads with weights_only=True, builds the
model from ck['arch'] (JSON text), load_state_dict (strict), builds the optimizer named by ck['pthlab'] and
load_state_dict's the optimizer state, then trains `steps` more steps with the recorded batch size and loss,
batches continuing from ck['step']. Prints {"keys", "types", "pthlab", "loss", "state_dict"}.
"""
import json
import sys

import torch
import torch.nn.functional as F
from safetensors.torch import load_file

cfg = json.loads(sys.argv[1])
sys.path.insert(0, cfg["arch_module_dir"])
import pthlab_arch  # noqa: E402

torch.backends.mkldnn.enabled = False  # its conv2d gradients can be wrong: see engine/common.py

model, ck = pthlab_arch.load_checkpoint(cfg["path"])
info = ck["pthlab"]
opt_cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[info["optimizer"]]
opt = opt_cls(model.parameters(), lr=0.123)
opt.load_state_dict(ck["optimizer_state_dict"])
data = load_file(cfg["data"])
x, y = data["x"], data["y"]
n, batch, step = x.shape[0], info["batch_size"], ck["step"]
loss_fn = F.cross_entropy if info["loss_fn"] == "cross_entropy" else F.mse_loss
losses = []
model.train()
for _ in range(cfg["steps"]):
    rows = torch.tensor([(step * batch + j) % n for j in range(batch)])
    opt.zero_grad()
    loss = loss_fn(model(x[rows]), y[rows])
    loss.backward()
    opt.step()
    step += 1
    losses.append(loss.item())


def enc(t):
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "dtype": "int64" if t.dtype == torch.int64 else "float32", "data": t.reshape(-1).tolist()}


json.dump(
    {
        "keys": list(ck.keys()),
        "types": {k: type(v).__name__ for k, v in ck.items()},
        "pthlab": {k: v for k, v in info.items()},
        "lr": opt.param_groups[0]["lr"],
        "loss": losses,
        "state_dict": {k: enc(v) for k, v in model.state_dict().items()},
    },
    sys.stdout,
)
sys.stdout.write("\n")
