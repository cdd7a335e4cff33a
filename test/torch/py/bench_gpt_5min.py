"""torch 2.6's side of `npm run bench -- --only gpt-5min`: the page's text GPT config trained on the CPU for a
fixed wall time, then scored on the page's own validation batches.

argv: one JSON object (bench/gpt-5min.ts): model (GPTConfig), batch, lr, weightDecay, betas, gradClip, seed,
seconds, and the scratch files the Node side wrote from the project's corpus (src/train/datasets/text.ts):
trainIds (the training split's ids, int32 little-endian), valX and valY (evalBatches x batch x block_size
int32: the windows TextSandbox.evaluate reads, in its order). Trains as nanoGPT's train.py with eval and
logging off (get_batch's random windows, AdamW with its two groups, clip_grad_norm_, constant lr), stops at
the first step boundary past `seconds`, then prints {steps, seconds, valLoss, lastTrainLoss, threads}.
"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'engine'))
from nanogpt_model import GPT, GPTConfig  # noqa: E402

cfg = json.loads(sys.argv[1])
torch.manual_seed(cfg['seed'])
block, batch = cfg['model']['block_size'], cfg['batch']
train = torch.from_numpy(np.fromfile(cfg['trainIds'], dtype='<i4').astype(np.int64))
val_shape = (cfg['evalBatches'], batch, block)
val_x = torch.from_numpy(np.fromfile(cfg['valX'], dtype='<i4').astype(np.int64)).view(val_shape)
val_y = torch.from_numpy(np.fromfile(cfg['valY'], dtype='<i4').astype(np.int64)).view(val_shape)

model = GPT(GPTConfig(**cfg['model']))
optimizer = model.configure_optimizers(cfg['weightDecay'], cfg['lr'], tuple(cfg['betas']))


def get_batch():
    """nanoGPT's get_batch('train')."""
    ix = torch.randint(len(train) - block, (batch,))
    x = torch.stack([train[i:i + block] for i in ix])  # (B, T)
    y = torch.stack([train[i + 1:i + 1 + block] for i in ix])  # (B, T)
    return x, y


model.train()
steps = 0
loss = None
t0 = time.perf_counter()
while time.perf_counter() - t0 < cfg['seconds']:
    x, y = get_batch()
    _, loss = model(x, y)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg['gradClip'])
    optimizer.step()
    steps += 1
seconds = time.perf_counter() - t0

model.eval()
with torch.no_grad():
    val_loss = sum(model(val_x[i], val_y[i])[1].item() for i in range(val_shape[0])) / val_shape[0]
print(json.dumps({'steps': steps, 'seconds': seconds, 'valLoss': val_loss,
                  'lastTrainLoss': None if loss is None else loss.item(), 'threads': torch.get_num_threads()}))
