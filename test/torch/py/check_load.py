"""Load a file with torch and report, never raising: for tests that expect torch to accept or refuse a file.

    check_load.py FILE [--full] [--mmap] [--arch ARCH [--key K]]

Prints one JSON line: {"ok":true,"format":F,"digest":DIGEST} or {"ok":false,"error":"<Type>: <message>"}.
With --arch, the loaded object (or obj[K]) is also loaded strictly into that module (see load_state_dict.py).
"""

import argparse
import sys

import pthdigest
import pthmodels


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--mmap", action="store_true")
    ap.add_argument("--arch")
    ap.add_argument("--key")
    args = ap.parse_args()
    try:
        fmt = pthdigest.sniff_format(args.file)
        if fmt == "safetensors":
            text = pthdigest.digest_safetensors(args.file)
        else:
            obj = pthdigest.load_torch(args.file, full=args.full, mmap=args.mmap)
            text = pthdigest.digest_object(obj, fmt)
            if args.arch is not None:
                sd = obj[args.key] if args.key is not None else obj
                pthmodels.build(args.arch).load_state_dict(sd, strict=True)
        line = '{"ok":true,"format":%s,"digest":%s}' % (pthdigest.encode_str(fmt), text)
    except Exception as e:
        line = '{"ok":false,"error":%s}' % pthdigest.encode_str("%s: %s" % (type(e).__name__, e))
    sys.stdout.buffer.write(line.encode("utf-8") + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
