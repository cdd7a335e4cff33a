"""`pthlab train` on a GPT against nanoGPT's training loop, torch 2.6 (the reference GPT of nanogpt_model.py).

argv: MODE DIR JSON.
  make:  writes DIR/data.safetensors (int64 x, y of shape (N, T): next-token pairs of random ids),
         DIR/init.pth (the GPT's initial state_dict), trains STEPS steps as nanoGPT's train.py does (its
         configure_optimizers groups, clip_grad_norm_, one batch of rows (step*B + i) % N per step, pthlab's
         batching rule), saves DIR/torch_ckpt.pt in nanoGPT's layout after RESUME_AT steps (a compiled model's
         `_orig_mod.` keys) and DIR/ref_final.pt (model and optimizer after STEPS). Prints the losses.
  check: opens DIR/<file> as nanoGPT's train.py resumes (torch.load's default, weights_only=True;
         GPT(GPTConfig(**model_args)), prefix stripped, configure_optimizers, optimizer.load_state_dict) and
         sample.py samples (greedy here), and prints the largest differences from DIR/ref_final.pt.
  open:  opens DIR/ckpt.pt as train.py resumes and DIR/meta.pkl as sample.py does (pickle.load), and prints
         the greedy continuation of PROMPT (encoded with the meta's stoi, decoded with its itos).
"""
import json
import os
import pickle
import sys

import torch
from safetensors.torch import save_file

from common import emit
from nanogpt_model import GPT, GPTConfig

mode, folder, cfg = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
PREFIX = '_orig_mod.'
args = cfg.get('model_args', {})


def optimizer_for(model):
    return model.configure_optimizers(cfg['weight_decay'], cfg['lr'], tuple(cfg['betas']))


if mode == 'make':
    torch.manual_seed(cfg['seed'])
    n, t, b = cfg['rows'], args['block_size'], cfg['batch']
    ids = torch.randint(0, args['vocab_size'], (n, t + 1))
    x, y = ids[:, :-1].contiguous(), ids[:, 1:].contiguous()
    save_file({'x': x, 'y': y}, os.path.join(folder, 'data.safetensors'))
    model = GPT(GPTConfig(**args))
    torch.save(model.state_dict(), os.path.join(folder, 'init.pth'))
    optimizer = optimizer_for(model)
    losses = []
    for step in range(cfg['steps']):
        rows = [(step * b + i) % n for i in range(b)]
        model.train()
        optimizer.zero_grad(set_to_none=True)
        _, loss = model(x[rows], y[rows])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg['clip'])
        optimizer.step()
        losses.append(loss.item())
        if step + 1 == cfg['resume_at']:
            torch.save({
                'model': {PREFIX + k: v for k, v in model.state_dict().items()},
                'optimizer': optimizer.state_dict(),
                'model_args': args,
                'iter_num': step + 1,
                'best_val_loss': torch.tensor(3.25),
                'config': {'dataset': 'random_ids', 'learning_rate': cfg['lr'], 'grad_clip': cfg['clip']},
            }, os.path.join(folder, 'torch_ckpt.pt'))
    torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict()},
               os.path.join(folder, 'ref_final.pt'))
    emit({'loss': losses})
elif mode == 'open':
    ck = torch.load(os.path.join(folder, 'ckpt.pt'))
    model = GPT(GPTConfig(**ck['model_args']))
    model.load_state_dict({k[len(PREFIX):] if k.startswith(PREFIX) else k: v for k, v in ck['model'].items()})
    optimizer = model.configure_optimizers(0.1, 1e-3, (0.9, 0.99))
    optimizer.load_state_dict(ck['optimizer'])
    with open(os.path.join(folder, 'meta.pkl'), 'rb') as f:
        meta = pickle.load(f)
    model.eval()
    ids = torch.tensor([[meta['stoi'][c] for c in cfg['prompt']]], dtype=torch.long)
    out = model.generate_greedy(ids, cfg['tokens'])
    emit({'iter_num': ck['iter_num'], 'text': ''.join(meta['itos'][i] for i in out[0].tolist()),
          'vocab_size': meta['vocab_size']})
else:
    ck = torch.load(os.path.join(folder, cfg['file']))
    model = GPT(GPTConfig(**ck['model_args']))
    model.load_state_dict({k[len(PREFIX):] if k.startswith(PREFIX) else k: v for k, v in ck['model'].items()})
    optimizer = optimizer_for(model)
    optimizer.load_state_dict(ck['optimizer'])
    ref = torch.load(os.path.join(folder, 'ref_final.pt'))
    weights = max((model.state_dict()[k] - v).abs().max().item() for k, v in ref['model'].items())
    ours, theirs = optimizer.state_dict(), ref['optimizer']
    moments = max((ours['state'][i][m] - s[m]).abs().max().item()
                  for i, s in theirs['state'].items() for m in ('exp_avg', 'exp_avg_sq'))
    model.eval()
    sample = model.generate_greedy(torch.zeros((1, 1), dtype=torch.long), 5)
    emit({
        'iter_num': ck['iter_num'],
        'best_val_loss': float(ck['best_val_loss']),
        'config_keys': sorted(ck['config']),
        'groups': [[len(g['params']), g['weight_decay']] for g in ours['param_groups']],
        'steps': sorted({int(s['step']) for s in ours['state'].values()}),
        'weights_max_diff': weights,
        'moments_max_diff': moments,
        'sample_length': sample.shape[1],
    })
