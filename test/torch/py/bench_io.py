"""torch.save / torch.load(weights_only=True) of a state_dict of N x (1024, 1024) float32 tensors.

Prints one JSON line of timings in seconds, one per repeat:
  {"torch", "bytes", "save_s", "save_atomic_s", "save_fsync_s", "load_s", "load_memory_s"}
save: torch.save(path), which truncates the file in place; save_atomic: torch.save to a temporary file, then
os.replace over path (the crash-safe pattern, as pthlab always saves); save_fsync: the same with flush and
fsync before the replace; load: torch.load(path); load_memory: torch.load(io.BytesIO(bytes)) with the
file's bytes already in memory. The order matches bench/checkpoint-io.ts, since each save's writeback
weighs on the next.
Usage: bench_io.py DIR [--tensors 25] [--repeats 5]
"""
import argparse
import io
import json
import os
import time

import torch

parser = argparse.ArgumentParser()
parser.add_argument("dir")
parser.add_argument("--tensors", type=int, default=25)
parser.add_argument("--repeats", type=int, default=5)
args = parser.parse_args()

gen = torch.Generator().manual_seed(0)
state = {f"layer{i}.weight": torch.rand(1024, 1024, generator=gen) for i in range(args.tensors)}
path = os.path.join(args.dir, "torch-bench.pth")
temp = path + ".tmp"
times = {"save_s": [], "save_atomic_s": [], "save_fsync_s": [], "load_s": [], "load_memory_s": []}


def timed(key, fn):
    os.sync()  # nothing left to write back from the previous save, as bench/checkpoint-io.ts settles
    start = time.perf_counter()
    result = fn()
    times[key].append(time.perf_counter() - start)
    return result


def save_atomic():
    torch.save(state, temp)
    os.replace(temp, path)


def save_fsync():
    with open(temp, "wb") as f:
        torch.save(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)


for _ in range(args.repeats):
    timed("save_s", lambda: torch.save(state, path))
    timed("save_atomic_s", save_atomic)
    timed("save_fsync_s", save_fsync)
    loaded = timed("load_s", lambda: torch.load(path, weights_only=True))
    assert torch.equal(loaded["layer0.weight"], state["layer0.weight"])
    with open(path, "rb") as f:
        data = f.read()
    timed("load_memory_s", lambda: torch.load(io.BytesIO(data), weights_only=True))
print(json.dumps({"torch": torch.__version__, "bytes": os.path.getsize(path), **times}))
os.remove(path)
