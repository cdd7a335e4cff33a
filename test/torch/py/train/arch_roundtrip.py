"""examples/pytorch/pthlab_arch.py under real torch: build(spec) then to_spec gives the spec back.

argv: one JSON object {arch_module_dir, specs: [spec, ...]}. Prints {"roundtrip": [spec back, ...],
"keys": [[state_dict key, shape], ...] per spec, "demo": to_spec(demo_cnn())}.
"""
import json
import sys

cfg = json.loads(sys.argv[1])
sys.path.insert(0, cfg["arch_module_dir"])
import pthlab_arch  # noqa: E402

models = [pthlab_arch.build(spec) for spec in cfg["specs"]]
out = {
    "roundtrip": [pthlab_arch.to_spec(m) for m in models],
    "keys": [[[k, list(v.shape)] for k, v in m.state_dict().items()] for m in models],
    "demo": pthlab_arch.to_spec(pthlab_arch.demo_cnn()),
}
try:
    pthlab_arch.build({"type": "Transformer"})
except ValueError as e:
    out["unsupported"] = str(e)
json.dump(out, sys.stdout)
sys.stdout.write("\n")
