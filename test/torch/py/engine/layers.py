"""Reference values for nn layers built from architecture specs (argv[1]: JSON list of {spec, input}).

For each spec: torch builds the module (torch.nn class and keyword names), and prints its state_dict
(keys, dtypes, shapes, values, _metadata), an input made from a fixed seed, the training-mode output and
the gradients of sum(out * upstream) for the input and every parameter, the state_dict after that forward
(BatchNorm's running stats), and an eval-mode output.
"""
import json
import sys

import torch

from common import build, emit, enc


out = []
for i, case in enumerate(json.loads(sys.argv[1])):
    torch.manual_seed(i)
    m = build(case['spec'])
    shape, kind = case['input']['shape'], case['input'].get('kind', 'float')
    x = torch.randint(0, case['input'].get('high', 2), shape) if kind == 'int' else torch.randn(*shape)
    sd0 = m.state_dict()
    entry = {
        'state_dict': {k: enc(v) for k, v in sd0.items()},
        'metadata': {k: v['version'] for k, v in sd0._metadata.items()},
        'input': enc(x),
    }
    sd0 = {k: v.clone() for k, v in sd0.items()}
    m.train()
    leaf = x.clone().requires_grad_(kind != 'int')
    y = m(leaf)
    upstream = torch.randn(y.shape)
    (y * upstream).sum().backward()
    entry['out'] = enc(y)
    entry['upstream'] = enc(upstream)
    entry['input_grad'] = enc(leaf.grad) if leaf.grad is not None else None
    entry['param_grads'] = {n: enc(p.grad) for n, p in m.named_parameters()}
    entry['state_after'] = {k: enc(v) for k, v in m.state_dict().items()}
    m.eval()
    with torch.no_grad():
        entry['eval_out'] = enc(m(x))
    out.append(entry)
emit(out)
