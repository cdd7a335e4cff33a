"""Continue a pthlab training checkpoint in PyTorch, on one process or many (DistributedDataParallel).

    python resume.py CKPT.pth DATA.safetensors --steps N --out CKPT2.pth [--ddp WORLD] [--log LOG.json]

CKPT is a general checkpoint as `pthlab train --out` writes it (or as this script writes it):
{epoch, step, model_state_dict, optimizer_state_dict, loss, arch (JSON text), pthlab {version, format_version,
optimizer, loss_fn, batch_size, seed, shuffle}}. The model is rebuilt from `arch` (pthlab_arch.py beside this
file), the optimizer from `pthlab.optimizer` and then `optimizer.load_state_dict` (so lr, momentum, betas,
moments and step counts all carry over), and training goes on for N steps with pthlab's batching rule
(src/train/data.ts): global step i takes the rows at positions i*B + j (j < B), each mod the number of rows,
through pthlab's own seeded permutation when the run shuffles. CKPT2 has the same layout, `step` advanced,
so `pthlab train --resume CKPT2.pth ...` continues it.

--ddp WORLD starts WORLD processes (torch.multiprocessing.spawn; gloo on CPU over 127.0.0.1, nccl when there
is one CUDA device per rank). Each global batch is split into WORLD contiguous slices, rank r taking slice r.
Each rank's loss is its slice's SUM divided by the global batch's count, times WORLD, so DDP's averaging of
gradients gives exactly the full batch's mean-loss gradient, even when B is not divisible by WORLD. BatchNorm
layers normalise with the statistics of the whole global batch (their sums are all-reduced, with gradients),
so a BatchNorm model trains as on one process and its running statistics and num_batches_tracked stay those
of the single-process run. Rank 0 saves.

torch 2.x: torch.load(weights_only=True). torch 1.13: its weights_only unpickler cannot read Python floats
(the checkpoint's `loss`), so there the file is loaded with torch.load's default; pthlab's files hold only
plain containers, tensors and numbers either way.
"""
import argparse
import json
import os
import socket
import sys

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pthlab_arch  # noqa: E402

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}


def load(path):
    """torch.load with weights_only=True where this torch can (2.x); the default load on torch 1.13."""
    if int(torch.__version__.split(".")[0]) >= 2:
        return torch.load(path, map_location="cpu", weights_only=True)
    return torch.load(path, map_location="cpu")


def load_data(path):
    """x as float32 and y as int64 class ids (or float32 targets), as `pthlab train` reads a data file."""
    try:
        from safetensors.torch import load_file
    except ImportError:  # Debian bookworm's torch 1.13 comes without it
        load_file = read_safetensors
    data = load_file(path)
    x, y = data["x"].float(), data["y"]
    y = y.float() if y.is_floating_point() else y.long()
    if x.shape[0] != y.shape[0]:
        sys.exit(f"resume.py: x has {x.shape[0]} rows but y has {y.shape[0]}")
    return x, y


SAFETENSORS_DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "I64": torch.int64,
                      "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}


def read_safetensors(path):
    """A minimal safetensors reader (8-byte little-endian header length, JSON header, raw little-endian data)."""
    with open(path, "rb") as f:
        raw = f.read()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        buf = bytearray(raw[8 + size + begin : 8 + size + end])
        dtype = SAFETENSORS_DTYPES[entry["dtype"]]
        out[name] = torch.frombuffer(buf, dtype=dtype).reshape(entry["shape"]) if buf else torch.zeros(entry["shape"], dtype=dtype)
    return out


# pthlab's shuffle order (src/train/data.ts ShuffleOrder with src/tensor/random.ts Generator): xoshiro128**
# seeded through splitmix32-style mixing, Fisher-Yates per epoch. Not torch's RandomSampler.
M32 = 0xFFFFFFFF


def _mix32(x):
    x ^= x >> 16
    x = (x * 0x21F0AAAD) & M32
    x ^= x >> 15
    x = (x * 0x735A2D97) & M32
    x ^= x >> 15
    return x


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Xoshiro128:
    def __init__(self, seed):
        x = seed & M32
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & M32
            state.append(_mix32(x))
        self.s = state

    def next_uint32(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def random(self):
        hi = self.next_uint32() >> 5
        lo = self.next_uint32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992


def permutation(seed, epoch, n):
    gen = Xoshiro128((((seed & M32) * 0x9E3779B1) & M32) ^ epoch)
    perm = list(range(n))
    for i in range(n - 1, 0, -1):
        j = int(gen.random() * (i + 1))
        perm[i], perm[j] = perm[j], perm[i]
    return perm


class BatchRule:
    """The rows of global step i: positions i*B + j mod N, through the epoch's permutation when shuffling."""

    def __init__(self, batch, n, shuffle, seed):
        self.batch, self.n, self.shuffle, self.seed = batch, n, shuffle, seed
        self._perm = (None, None)

    def rows(self, step):
        out = []
        for j in range(self.batch):
            position = step * self.batch + j
            index = position % self.n
            if self.shuffle:
                epoch = position // self.n
                if self._perm[0] != epoch:
                    self._perm = (epoch, permutation(self.seed, epoch, self.n))
                index = self._perm[1][index]
            out.append(index)
        return torch.tensor(out, dtype=torch.long)


def slice_of(batch, world, rank):
    """Rank r's contiguous slice [start, end) of a global batch of `batch` rows."""
    base, extra = divmod(batch, world)
    start = rank * base + min(rank, extra)
    return start, start + base + (1 if rank < extra else 0)


def global_batch_norm(bn):
    """BatchNorm whose training statistics are those of the global batch across all ranks (CPU-capable)."""
    from torch.distributed.nn.functional import all_reduce

    def forward(x):
        if not bn.training:
            return nn.modules.batchnorm._BatchNorm.forward(bn, x)
        dims = [d for d in range(x.dim()) if d != 1]  # all but the channel dim of (B, C, ...)
        count = torch.tensor([float(x.numel() // x.shape[1])])
        count = all_reduce(count)
        mean = all_reduce(x.sum(dims)) / count  # (C,)
        shape = [1, -1] + [1] * (x.dim() - 2)
        centered = x - mean.reshape(shape)
        var = all_reduce((centered * centered).sum(dims)) / count  # biased, as used for normalising
        with torch.no_grad():
            bn.num_batches_tracked.add_(1)
            factor = bn.momentum if bn.momentum is not None else 1.0 / float(bn.num_batches_tracked)
            n = float(count)
            bn.running_mean.mul_(1 - factor).add_(mean.detach() * factor)
            bn.running_var.mul_(1 - factor).add_(var.detach() * (n / (n - 1)) * factor)
        out = centered / torch.sqrt(var + bn.eps).reshape(shape)
        if bn.affine:
            out = out * bn.weight.reshape(shape) + bn.bias.reshape(shape)
        return out

    bn.forward = forward


def train(rank, world, args, port):
    distributed = world > 1
    device = torch.device("cpu")
    if distributed:
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        os.environ["MASTER_PORT"] = str(port)
        os.environ.setdefault("USE_LIBUV", "0")  # Debian's torch 2.6 has no libuv
        use_cuda = torch.cuda.is_available() and torch.cuda.device_count() >= world
        if use_cuda:
            device = torch.device("cuda", rank)
            torch.cuda.set_device(device)
        dist.init_process_group("nccl" if use_cuda else "gloo", rank=rank, world_size=world)
    torch.use_deterministic_algorithms(True)

    ck = load(args.ckpt)
    info = dict(ck.get("pthlab") or {})
    model = pthlab_arch.build(ck["arch"] if isinstance(ck["arch"], (str, dict)) else json.dumps(ck["arch"]))
    model.load_state_dict(ck["model_state_dict"])
    model.to(device)
    optim_name = args.optim or info.get("optimizer")
    loss_name = args.loss or info.get("loss_fn")
    batch = args.batch or info.get("batch_size")
    if optim_name not in OPTIMIZERS or loss_name not in ("cross_entropy", "mse") or not batch:
        sys.exit("resume.py: the checkpoint does not record optimizer/loss_fn/batch_size: pass --optim --loss --batch")
    if distributed and batch < world:
        sys.exit(f"resume.py: a global batch of {batch} rows cannot be split across {world} processes")
    saved_groups = ck["optimizer_state_dict"]["param_groups"]
    optimizer = OPTIMIZERS[optim_name](model.parameters(), lr=float(saved_groups[0]["lr"]))
    optimizer.load_state_dict(ck["optimizer_state_dict"])  # hyperparameters, moments, step counts

    x, y = load_data(args.data)
    n = x.shape[0]
    rule = BatchRule(batch, n, bool(info.get("shuffle", False)), int(info.get("seed", 0)))
    step = int(ck.get("step") or 0)
    start, end = slice_of(batch, world, rank)
    if distributed:
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm) and module.track_running_stats:
                global_batch_norm(module)
        net = nn.parallel.DistributedDataParallel(model, broadcast_buffers=False)
    else:
        net = model

    losses = []
    model.train()
    for _ in range(args.steps):
        rows = rule.rows(step)[start:end]
        xb, yb = x[rows].to(device), y[rows].to(device)
        optimizer.zero_grad()
        out = net(xb)
        if not distributed:
            loss = (F.cross_entropy if loss_name == "cross_entropy" else F.mse_loss)(out, yb)
            reported = loss.item()
        else:
            per_row = out[0].numel() if loss_name == "mse" else 1
            fn = F.cross_entropy if loss_name == "cross_entropy" else F.mse_loss
            total = fn(out, yb, reduction="sum") / (batch * per_row)  # this slice's share of the mean
            loss = total * world  # DDP averages gradients over the ranks
            summed = total.detach().clone()
            dist.all_reduce(summed)
            reported = summed.item()
        loss.backward()
        optimizer.step()
        step += 1
        losses.append(reported)

    if rank == 0:
        model.to("cpu")
        info.update({"optimizer": optim_name, "loss_fn": loss_name, "batch_size": batch})
        info["writer"] = f"examples/pytorch/resume.py (torch {torch.__version__}, {world} process(es))"
        out = {
            "epoch": step * batch // n,
            "step": step,
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(),
            "loss": losses[-1] if losses else ck.get("loss"),
            "arch": ck["arch"] if isinstance(ck["arch"], str) else json.dumps(ck["arch"]),
            "pthlab": info,
        }
        tmp = f"{args.out}.tmp-{os.getpid()}"
        torch.save(out, tmp)
        os.replace(tmp, args.out)  # atomic: a reader never sees half a checkpoint
        if args.log:
            with open(args.log, "w") as f:
                json.dump({"loss": losses}, f)
                f.write("\n")
        print(f"resume.py: step {step}, loss {out['loss']}, saved {args.out}")
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("ckpt", help="a pthlab general checkpoint")
    p.add_argument("data", help="the safetensors file with x and y that pthlab trained on")
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--ddp", type=int, default=1, metavar="WORLD", help="processes (DistributedDataParallel)")
    p.add_argument("--log", help="write the per-step losses as JSON {loss: [...]}")
    p.add_argument("--batch", type=int, help="global batch size (default: the checkpoint's)")
    p.add_argument("--optim", choices=sorted(OPTIMIZERS), help="default: the checkpoint's")
    p.add_argument("--loss", choices=["cross_entropy", "mse"], help="default: the checkpoint's")
    args = p.parse_args()
    if args.ddp < 1 or args.steps < 0:
        p.error("--ddp and --steps must be positive")
    if args.ddp == 1:
        train(0, 1, args, 0)
    else:
        import torch.multiprocessing as mp

        mp.spawn(train, args=(args.ddp, args, free_port()), nprocs=args.ddp, join=True)


if __name__ == "__main__":
    main()
