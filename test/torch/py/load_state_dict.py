"""Build a module and load a state_dict into it strictly, as a PyTorch user would.

    load_state_dict.py ARCH FILE [--key K] [--full] [--mmap]

ARCH: `mlp`, `cnn_bn` or a JSON architecture spec (see pthmodels.py). `--key K` loads checkpoint[K] (e.g.
model_state_dict of a general checkpoint). Prints `OK` or `ERROR <ExceptionType>: <message>` (exit 0 both
ways, exit 2 for usage errors), so tests can assert on PyTorch's own wording.
"""

import argparse
import sys

import pthdigest
import pthmodels


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("arch")
    ap.add_argument("file")
    ap.add_argument("--key")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--mmap", action="store_true")
    args = ap.parse_args()
    model = pthmodels.build(args.arch)
    try:
        obj = pthdigest.load_torch(args.file, full=args.full, mmap=args.mmap)
        if args.key is not None:
            obj = obj[args.key]
        model.load_state_dict(obj, strict=True)
    except Exception as e:
        print("ERROR %s: %s" % (type(e).__name__, e))
        return 0
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
