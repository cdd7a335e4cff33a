"""Print what this Python sees, one JSON line: {"torch": ..., "python": ..., "numpy": ..., "safetensors": ...}
(absent packages are null). The harness test uses it to prove which torch each runner really is."""

import json
import sys

import torch


def version_of(module: str) -> "str | None":
    try:
        return __import__(module).__version__
    except ImportError:
        return None


print(
    json.dumps(
        {
            "torch": torch.__version__,
            "python": "%d.%d.%d" % sys.version_info[:3],
            "numpy": version_of("numpy"),
            "safetensors": version_of("safetensors"),
        }
    )
)
