"""One torch.load(path, weights_only=True) in a fresh process, as a program that opens a checkpoint once does.

Prints one JSON line: {"load_s": seconds} (the load alone: the import of torch is not counted).
Usage: bench_cold_load.py FILE
"""
import json
import sys
import time

import torch

start = time.perf_counter()
torch.load(sys.argv[1], weights_only=True)
print(json.dumps({"load_s": time.perf_counter() - start}))
