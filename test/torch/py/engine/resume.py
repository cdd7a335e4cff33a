"""Resumes a pthlab training checkpoint in torch, and writes torch's own for the way back.

argv: checkpoint path, JSON {spec, optimizer, x, y, steps}, output path. Loads with torch.load's default
(weights_only=True on 2.6), model.load_state_dict and optimizer.load_state_dict, trains `steps` more steps of
cross_entropy, saves {'model_state_dict', 'optimizer_state_dict'} to the output path and prints the final
state_dict and the losses.
"""
import json
import sys

import torch
import torch.nn.functional as F

from common import build, dec, emit, enc

path, cfg, out_path = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
ck = torch.load(path)
model = build(cfg['spec'])
model.load_state_dict(ck['model_state_dict'])
opt = getattr(torch.optim, cfg['optimizer'])(model.parameters())
opt.load_state_dict(ck['optimizer_state_dict'])
x, y = dec(cfg['x']), dec(cfg['y'])
model.train()
losses = []
for _ in range(cfg['steps']):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
torch.save({'model_state_dict': model.state_dict(), 'optimizer_state_dict': opt.state_dict()}, out_path)
emit({'state_dict': {k: enc(v) for k, v in model.state_dict().items()}, 'losses': losses})
