"""nanoGPT's files both ways, as its train.py and sample.py read them.

argv: DIR. Reads DIR/ours_ckpt.pt (torch.load's default, weights_only=True on 2.6) and DIR/ours_meta.pkl
(pickle.load) as nanoGPT's resume does: GPT(GPTConfig(**model_args)), the `_orig_mod.` prefix stripped,
load_state_dict, optimizer.load_state_dict. Writes DIR/torch_ckpt.pt (a compiled model's keys, after one
AdamW step) and DIR/torch_meta.pkl (pickle.dump, Python's default protocol). Prints one JSON line.
"""
import os
import pickle
import sys

import torch

from common import emit, enc
from nanogpt_model import GPT, GPTConfig

folder = sys.argv[1]
PREFIX = '_orig_mod.'
x = torch.tensor([[1, 2, 3, 4, 0]], dtype=torch.long)

ck = torch.load(os.path.join(folder, 'ours_ckpt.pt'))
model = GPT(GPTConfig(**ck['model_args']))
sd = {k[len(PREFIX):] if k.startswith(PREFIX) else k: v for k, v in ck['model'].items()}
model.load_state_dict(sd)
optimizer = model.configure_optimizers(0.1, 1e-3, (0.9, 0.95))
optimizer.load_state_dict(ck['optimizer'])
with open(os.path.join(folder, 'ours_meta.pkl'), 'rb') as f:
    meta = pickle.load(f)
model.eval()
ours_logits, _ = model(x)

torch.manual_seed(0)
text = 'First Citizen:\nhello'
chars = sorted(list(set(text)))
stoi = {c: i for i, c in enumerate(chars)}
args = dict(n_layer=1, n_head=2, n_embd=8, block_size=6, bias=False, vocab_size=len(chars), dropout=0.0)
theirs = GPT(GPTConfig(**args))
topt = theirs.configure_optimizers(0.1, 1e-2, (0.9, 0.95))
data = torch.randint(0, len(chars), (2, 6))
_, loss = theirs(data[:, :5].contiguous(), data[:, 1:].contiguous())
loss.backward()
topt.step()
torch.save({
    'model': {PREFIX + k: v for k, v in theirs.state_dict().items()},
    'optimizer': topt.state_dict(),
    'model_args': args,
    'iter_num': 1,
    'best_val_loss': torch.tensor(2.5),
    'config': {'dataset': 'shakespeare_char', 'learning_rate': 1e-2, 'compile': True, 'batch_size': 2},
}, os.path.join(folder, 'torch_ckpt.pt'))
with open(os.path.join(folder, 'torch_meta.pkl'), 'wb') as f:
    pickle.dump({'vocab_size': len(chars), 'itos': dict(enumerate(chars)),
                 'stoi': stoi}, f)
theirs.eval()
theirs_logits, _ = theirs(x)
greedy = theirs.generate_greedy(torch.tensor([[stoi[c] for c in 'hel']], dtype=torch.long), 8)

emit({
    'model_args': ck['model_args'],
    'iter_num': ck['iter_num'],
    'best_val_loss': float(ck['best_val_loss']),
    'best_val_loss_is_tensor': torch.is_tensor(ck['best_val_loss']),
    'config': ck['config'],
    'optimizer_groups': [len(g['params']) for g in optimizer.state_dict()['param_groups']],
    'meta': {'vocab_size': meta['vocab_size'], 'itos': [[k, v] for k, v in meta['itos'].items()],
             'stoi': [[k, v] for k, v in meta['stoi'].items()]},
    'ours_logits': enc(ours_logits),
    'theirs_logits': enc(theirs_logits),
    'theirs_text': text,
    'theirs_greedy_text': ''.join(chars[i] for i in greedy[0].tolist()),
})
