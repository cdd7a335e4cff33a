"""Constructor keywords of torch.nn classes, in order, with their defaults, for pthlab's layer registry.

argv[1]: a JSON list of class names. Prints one JSON line: {name: [[keyword, default], ...]}, the default
"REQUIRED" where the constructor has none, a function's name where the default is a function
(TransformerEncoderLayer's activation=F.relu, which pthlab writes 'relu'); device and dtype (factory keywords)
are left out.
"""
import inspect
import json
import sys

from torch import nn



def _default(value):
    return value.__name__ if callable(value) else value


out = {}
for name in json.loads(sys.argv[1]):
    params = list(inspect.signature(getattr(nn, name).__init__).parameters.values())[1:]
    out[name] = [
        [p.name, "REQUIRED" if p.default is inspect.Parameter.empty else _default(p.default)]
        for p in params
        if p.name not in ("device", "dtype") and p.kind is not inspect.Parameter.VAR_KEYWORD
    ]
print(json.dumps(out))
