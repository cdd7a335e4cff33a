"""The `pthlab train` loop in real torch, with the same batching rule, for parity tests.

argv: one JSON object:
  arch_module_dir  directory holding examples/pytorch/pthlab_arch.py (staged by the test)
  arch             the spec (dict)
  data             safetensors with x and y
  init             a state_dict file to start from (optional)
  resume           a general checkpoint to continue (optional): model, optimizer and its 'step'
  steps, batch, loss ('cross_entropy' | 'mse'), optim ('sgd' | 'adam' | 'adamw'), lr, momentum,
  weight_decay, betas (optional ones may be absent: torch's defaults)
  checkpoint_after (optional) {"step": K, "path": P, "arch_as": "dict" | "json"}: after global step K, save a
                   general checkpoint as a PyTorch user would (no 'pthlab' entry)
Batching (src/train/data.ts): global step i takes rows (i*B + j) mod N, j = 0..B-1.
Prints one JSON line: {"loss": [per step], "state_dict": {name: tensor}}.
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

torch.use_deterministic_algorithms(True)


def enc(t):
    t = t.detach().cpu().contiguous()
    dtype = "int64" if t.dtype in (torch.int64, torch.int32) else "float32"
    return {"shape": list(t.shape), "dtype": dtype, "data": t.reshape(-1).tolist()}


data = load_file(cfg["data"])
x, y = data["x"], data["y"]
if not y.is_floating_point():
    y = y.long()
n = x.shape[0]
model = pthlab_arch.build(cfg["arch"])
if cfg.get("init"):
    model.load_state_dict(torch.load(cfg["init"], weights_only=True))

kwargs = {"lr": cfg["lr"]}
if "weight_decay" in cfg:
    kwargs["weight_decay"] = cfg["weight_decay"]
if cfg["optim"] == "sgd":
    if "momentum" in cfg:
        kwargs["momentum"] = cfg["momentum"]
    opt = torch.optim.SGD(model.parameters(), **kwargs)
else:
    if "betas" in cfg:
        kwargs["betas"] = tuple(cfg["betas"])
    opt = (torch.optim.Adam if cfg["optim"] == "adam" else torch.optim.AdamW)(model.parameters(), **kwargs)

step = 0
if cfg.get("resume"):
    ck = torch.load(cfg["resume"], weights_only=True)
    model.load_state_dict(ck["model_state_dict"])
    opt.load_state_dict(ck["optimizer_state_dict"])
    step = int(ck["step"])

loss_fn = F.cross_entropy if cfg["loss"] == "cross_entropy" else F.mse_loss
batch = cfg["batch"]
after = cfg.get("checkpoint_after")
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
    if after is not None and step == after["step"]:
        torch.save(
            {
                "epoch": step * batch // n,
                "step": step,
                "model_state_dict": model.state_dict(),
                "optimizer_state_dict": opt.state_dict(),
                "loss": loss.item(),
                "arch": cfg["arch"] if after["arch_as"] == "dict" else json.dumps(cfg["arch"]),
            },
            after["path"],
        )

json.dump({"loss": losses, "state_dict": {k: enc(v) for k, v in model.state_dict().items()}}, sys.stdout)
sys.stdout.write("\n")
