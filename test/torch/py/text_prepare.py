"""nanoGPT's data/shakespeare_char/prepare.py on another text file: prints its vocabulary and split as JSON.

Usage: text_prepare.py INPUT.txt
"""
import json
import sys

import numpy as np

with open(sys.argv[1], "r") as f:
    data = f.read()
chars = sorted(list(set(data)))
vocab_size = len(chars)
stoi = {ch: i for i, ch in enumerate(chars)}
n = len(data)
train_data = data[: int(n * 0.9)]
val_data = data[int(n * 0.9) :]
train_ids = np.array([stoi[c] for c in train_data], dtype=np.uint16)
val_ids = np.array([stoi[c] for c in val_data], dtype=np.uint16)
print(
    json.dumps(
        {
            "itos": chars,
            "vocab_size": vocab_size,
            "n_train": int(train_ids.size),
            "n_val": int(val_ids.size),
            "train_sum": int(train_ids.astype(np.int64).sum()),
            "val_sum": int(val_ids.astype(np.int64).sum()),
            "train_head": train_ids[:200].tolist(),
            "val_tail": val_ids[-200:].tolist(),
        }
    )
)
