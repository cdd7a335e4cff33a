"""torch.save / torch.load(weights_only=True) of a state_dict of N x (1024, 1024) float32 tensors.

Prints one JSON line: {"torch": version, "save_s": [...], "load_s": [...], "bytes": n}.
Usage: bench_io.py DIR [--tensors 25] [--repeats 5]
"""
import argparse
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
save_s, load_s = [], []
for _ in range(args.repeats):
    start = time.perf_counter()
    torch.save(state, path)
    save_s.append(time.perf_counter() - start)
    start = time.perf_counter()
    loaded = torch.load(path, weights_only=True)
    load_s.append(time.perf_counter() - start)
    assert torch.equal(loaded["layer0.weight"], state["layer0.weight"])
print(json.dumps({"torch": torch.__version__, "save_s": save_s, "load_s": load_s, "bytes": os.path.getsize(path)}))
os.remove(path)
