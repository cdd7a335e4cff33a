"""Print the canonical digest (see pthdigest.py) of checkpoint files, one JSON line each.

    digest.py FILE [--weights-only | --full] [--mmap]
    digest.py --manifest DIR [--mmap]

With FILE: one line, the digest text. `--weights-only` (the default) loads with torch.load(weights_only=True),
`--full` with weights_only=False (whole-model pickles, python floats on torch 1.13), `--mmap` adds mmap=True
(torch >= 2.1). Exits 1 with the error on stderr when the file does not load.

With --manifest DIR: for every entry of DIR/manifest.json (written by make_fixtures.py), in order, loads
DIR/FILE the way the manifest says and prints {"file":FILE,"digest":DIGEST} or {"file":FILE,"error":TEXT}.
"""

import argparse
import json
import os
import sys

import pthdigest


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--weights-only", dest="full", action="store_false")
    mode.add_argument("--full", dest="full", action="store_true")
    ap.add_argument("--mmap", action="store_true")
    ap.add_argument("--manifest", metavar="DIR")
    args = ap.parse_args()
    if (args.file is None) == (args.manifest is None):
        ap.error("give exactly one of FILE or --manifest DIR")

    out = sys.stdout.buffer
    if args.file is not None:
        out.write(pthdigest.digest_file(args.file, full=args.full, mmap=args.mmap).encode("utf-8") + b"\n")
        return 0

    with open(os.path.join(args.manifest, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    for name, entry in manifest.items():
        head = '{"file":' + pthdigest.encode_str(name)
        try:
            text = pthdigest.digest_file(
                os.path.join(args.manifest, name), full=entry["load"] == "full", mmap=args.mmap and entry.get("mmap", True)
            )
            line = head + ',"digest":' + text + "}"
        except Exception as e:  # report every file, then let the caller decide
            line = head + ',"error":' + pthdigest.encode_str("%s: %s" % (type(e).__name__, e)) + "}"
        out.write(line.encode("utf-8") + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
