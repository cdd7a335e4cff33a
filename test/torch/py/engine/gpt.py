"""Trains nanogpt_model.GPT from pthlab's initial weights as nanoGPT's train.py does, and reports it.

argv: DIR holding init.pth (pthlab's state_dict) and case.json ({config, batches: [{x, y}], lr, betas,
weight_decay, clip, prompt, new_tokens}). Prints one JSON line: state_dict keys and shapes, the
named_parameters order, per-step losses and total gradient norms (before clipping), the final state_dict, greedy ids from the trained model; writes
DIR/optimizer.pth (optimizer.state_dict()) and DIR/ckpt.pt (nanoGPT's checkpoint layout, with the
`_orig_mod.` prefix torch.compile leaves on keys).
"""
import json
import os
import sys

import torch

from common import emit, enc
from nanogpt_model import GPT, GPTConfig

folder = sys.argv[1]
with open(os.path.join(folder, 'case.json')) as f:
    case = json.load(f)
config = case['config']
model = GPT(GPTConfig(**{k: v for k, v in config.items() if k != 'type'}))
model.load_state_dict(torch.load(os.path.join(folder, 'init.pth'), weights_only=True))
optimizer = model.configure_optimizers(case['weight_decay'], case['lr'], tuple(case['betas']))

model.train()
losses = []
grad_norms = []
for batch in case['batches']:
    x = torch.tensor(batch['x'], dtype=torch.long)
    y = torch.tensor(batch['y'], dtype=torch.long)
    _, loss = model(x, y)
    loss.backward()
    grad_norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), case['clip'])))
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    losses.append(loss.item())

model.eval()
greedy = model.generate_greedy(torch.tensor([case['prompt']], dtype=torch.long), case['new_tokens'])
torch.save(optimizer.state_dict(), os.path.join(folder, 'optimizer.pth'))
torch.save({
    'model': {'_orig_mod.' + k: v for k, v in model.state_dict().items()},
    'optimizer': optimizer.state_dict(),
    'model_args': {k: v for k, v in config.items() if k != 'type'},
    'iter_num': len(losses),
    'best_val_loss': torch.tensor(losses[-1]),
    'config': {'dataset': 'pattern', 'learning_rate': case['lr'], 'compile': True, 'batch_size': 2},
}, os.path.join(folder, 'ckpt.pt'))
sd = model.state_dict()
emit({
    'keys': [[k, list(v.shape)] for k, v in sd.items()],
    'named_parameters': [n for n, _ in model.named_parameters()],
    'losses': losses,
    'grad_norms': grad_norms,
    'state_dict': {k: enc(v) for k, v in sd.items()},
    'greedy': greedy[0].tolist(),
})
