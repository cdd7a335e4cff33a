"""Train a small model in PyTorch and save what pthlab's app (and `pthlab train --resume`) opens.

    python train_then_browse.py OUT.pth [--steps 300] [--seed 0] [--data DATA.safetensors]

Without --data the model learns two interleaved half-moons made here; with --data it learns the tensors `x`
(float32, rows x 2) and `y` (int64 class ids) of a safetensors file, e.g. one exported from the app. OUT is a
general checkpoint, a plain dict that torch.load opens with weights_only=True: model and optimizer
state_dicts, step, epoch, loss and `arch`, the architecture as JSON text (see pthlab_arch.py). Drop it on the
app's page, or resume it with `pthlab train --resume OUT.pth`. Prints the accuracy on its data as JSON.
"""
import argparse
import json
import math

import torch
from torch import nn

from pthlab_arch import build

ARCH = {
    "type": "Sequential",
    "layers": [
        {"type": "Linear", "in_features": 2, "out_features": 16},
        {"type": "ReLU"},
        {"type": "Linear", "in_features": 16, "out_features": 2},
    ],
}


def moons(rows, generator):
    """Two interleaved half-circles, class 0 above and class 1 below, with a little noise."""
    t = torch.rand(rows, generator=generator) * math.pi
    label = torch.arange(rows) % 2
    x = torch.where(label == 0, torch.cos(t), 1 - torch.cos(t))
    y = torch.where(label == 0, torch.sin(t), 0.5 - torch.sin(t))
    points = torch.stack([x, y], dim=1) + 0.1 * torch.randn(rows, 2, generator=generator)
    return points.float(), label.long()


def read_safetensors(path):
    """x and y from a safetensors file (float32 and int64 only), without the safetensors package."""
    with open(path, "rb") as f:
        data = f.read()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    body = data[8 + size :]
    dtypes = {"F32": torch.float32, "I64": torch.int64, "I32": torch.int32}

    def tensor(name):
        entry = header[name]
        begin, end = entry["data_offsets"]
        flat = torch.frombuffer(bytearray(body[begin:end]), dtype=dtypes[entry["dtype"]])
        return flat.reshape(entry["shape"])

    return tensor("x").float(), tensor("y").long()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data")
    args = parser.parse_args()

    generator = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    x, y = read_safetensors(args.data) if args.data else moons(300, generator)
    model = build(ARCH)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    batch = 32
    for step in range(args.steps):
        rows = torch.arange(step * batch, (step + 1) * batch) % len(x)  # pthlab's batching rule
        loss = nn.functional.cross_entropy(model(x[rows]), y[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    model.eval()
    with torch.no_grad():
        accuracy = (model(x).argmax(dim=1) == y).float().mean().item()
    torch.save(
        {
            "epoch": args.steps * batch // len(x),
            "step": args.steps,
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(),
            "loss": loss.item(),
            "arch": json.dumps(ARCH),
        },
        args.out,
    )
    print(json.dumps({"accuracy": accuracy, "rows": len(x), "loss": loss.item()}))


if __name__ == "__main__":
    main()
