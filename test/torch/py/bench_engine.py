"""torch's column of pthlab's engine benchmark (bench/engine/): matmul GFLOP/s and training steps/s on the CPU.

Prints one JSON line:
  {"torch", "threads", "blas", "matmul": {"<n>": {"value", "samples"}}, "train": {"<name>": {"value", "samples"}}}
Each cell runs up to `--warmup` untimed repeats (only one once they take half of `--seconds`), then timed ones until `--seconds` have passed with at least
`--min-samples`, or `--cap` seconds with at least one; the value comes from the median time.
matmul: a @ b of two (n, n) float32, synchronised by reading one value. Training: the model from pthlab's JSON
spec (pthmodels.from_spec), cross-entropy, SGD, one step per sample, synchronised by loss.item().
Usage: bench_engine.py --sizes 256,512,1024 --train NAME=BATCH:C,H,W:SPEC_JSON ... [--seconds 4] ...
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

from pthmodels import from_spec

parser = argparse.ArgumentParser()
parser.add_argument("--sizes", default="256,512,1024")
parser.add_argument("--train", action="append", default=[], help="NAME=BATCH:INPUT_SHAPE:CLASSES:SPEC_JSON")
parser.add_argument("--lr", type=float, default=0.01)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--warmup", type=int, default=2)
parser.add_argument("--seconds", type=float, default=4.0)
parser.add_argument("--min-samples", type=int, default=3)
parser.add_argument("--max-samples", type=int, default=200)
parser.add_argument("--cap", type=float, default=12.0)
args = parser.parse_args()


def sample(once):
    warm_start = time.perf_counter()
    for _ in range(args.warmup):
        once()
        if time.perf_counter() - warm_start >= args.seconds / 2:
            break
    times = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - start
        if len(times) >= args.max_samples:
            break
        if elapsed >= args.seconds and len(times) >= args.min_samples:
            break
        if elapsed >= args.cap:
            break
    return statistics.median(times), len(times)


gen = torch.Generator().manual_seed(args.seed)


def matmul_cell(n):
    a = torch.randn(n, n, generator=gen)
    b = torch.randn(n, n, generator=gen)
    seconds, samples = sample(lambda: (a @ b)[0, 0].item())
    return {"value": 2 * n**3 / seconds / 1e9, "samples": samples}


def train_cell(batch, input_shape, classes, spec):
    torch.manual_seed(args.seed)
    model = from_spec(spec)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)
    x = torch.randn(batch, *input_shape, generator=gen)
    y = torch.randint(0, classes, (batch,), generator=gen)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()

    seconds, samples = sample(step)
    return {"value": 1 / seconds, "samples": samples}


def loaded_blas():
    """The BLAS library this process mapped (torch's CPU matmul calls it), or null without /proc."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    except OSError:
        return None
    return ", ".join(sorted(paths)) or None


result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "matmul": {}, "train": {}}
for n in [int(s) for s in args.sizes.split(",") if s]:
    result["matmul"][str(n)] = matmul_cell(n)
for item in args.train:
    name, rest = item.split("=", 1)
    batch, shape, classes, spec = rest.split(":", 3)
    input_shape = [int(d) for d in shape.split(",")]
    result["train"][name] = train_cell(int(batch), input_shape, int(classes), json.loads(spec))
result["blas"] = loaded_blas()
print(json.dumps(result))
