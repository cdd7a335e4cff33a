"""torch 2.6's side of `npm run bench -- --only gpt`: the same GPT training step and greedy sampling on the CPU.

argv: one JSON object (bench/gpt.ts's gptBenchConfig). Prints {stepsPerSecond, tokensPerSecond, threads}.
nanoGPT's model from engine/nanogpt_model.py; AdamW with its groups, clip_grad_norm_ 1, as the pthlab side.
"""
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'engine'))
from nanogpt_model import GPT, GPTConfig  # noqa: E402

cfg = json.loads(sys.argv[1])
torch.manual_seed(0)
model = GPT(GPTConfig(**cfg['model']))
optimizer = model.configure_optimizers(0.1, 1e-3, (0.9, 0.99))
b, t, v = cfg['batch'], cfg['model']['block_size'], cfg['model']['vocab_size']
x, y = torch.randint(0, v, (b, t)), torch.randint(0, v, (b, t))


def step():
    model.train()
    optimizer.zero_grad(set_to_none=True)
    _, loss = model(x, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    loss.item()


for _ in range(2):
    step()
times = []
for _ in range(cfg['steps']):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
model.eval()
model.generate_greedy(torch.zeros((1, 1), dtype=torch.long), 4)
t0 = time.perf_counter()
model.generate_greedy(torch.zeros((1, 1), dtype=torch.long), cfg['sampleTokens'])
sample_s = time.perf_counter() - t0
print(json.dumps({'stepsPerSecond': 1 / statistics.median(times), 'tokensPerSecond': cfg['sampleTokens'] / sample_s,
                  'threads': torch.get_num_threads()}))
