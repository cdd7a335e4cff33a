"""Canonical digest of a checkpoint: the text pthlab's `inspect --json` must reproduce byte for byte.

Runs on torch 1.13 / Python 3.11 and torch 2.6 / Python 3.13; stdlib + torch only.

THE DIGEST (normative)
----------------------
One line of UTF-8 JSON, no spaces, keys in the order below:

    {"format":F,"tensors":{PATH:{"dtype":D,"shape":[...],"sha256":H},...},"values":{PATH:LEAF,...}}

F  "torch-zip" | "torch-legacy" | "safetensors" (from the file's bytes: `PK\\x03\\x04` -> torch-zip; the
   legacy magic pickle `80 02 8A 0A 6C FC 9C 46 F9 20 6A A8 50 19 2E` -> torch-legacy; otherwise a u64 LE
   header length followed by `{` -> safetensors).

Walk (depth first, in order; PATH starts empty):
  * nn.Module (only in `--full` loads; normally the root) -> walk `module.state_dict()` at the same PATH.
  * torch.Tensor / nn.Parameter -> tensors[PATH].
  * torch.Size -> a leaf (it is a tuple subclass; checked first).
  * dict / OrderedDict / Counter, non-empty -> walk each item, child PATH = join(PATH, str(key)).
    Only items: an OrderedDict's `_metadata` attribute is NOT part of the digest.
  * list / tuple, non-empty -> walk each element, child PATH = join(PATH, str(index)).
  * anything else, and empty dict/list/tuple -> values[PATH] = LEAF.
  join(p, k) = k if p == "" else p + "." + k. A PATH produced twice is an error.
  tensors and values keep first-visit order.

Tensor record: dtype = str(t.dtype) without "torch." (float32, bfloat16, bool, complex64,
  float8_e4m3fn, uint16, ...); shape = list of ints; sha256 = lowercase hex SHA-256 of the tensor's
  elements in C order, little-endian, each element at its dtype's natural size (bool: one byte 0/1;
  complex: real then imaginary), conj/neg bits resolved, no storage slack: the bytes of
  `t.resolve_conj().resolve_neg().contiguous().reshape(-1).view(torch.uint8)`. An empty tensor hashes
  b"" (e3b0c442...). Quantized tensors hash their int_repr(). Safetensors: the data_offsets byte range.

LEAF encoding (custom, never json.dumps defaults):
  None -> null; bool -> true/false; int -> exact decimal integer literal (any size, may exceed 2**53);
  float -> Python repr(): shortest round-trip digits, always contains "." or "e" ("1.0", "-0.0", "1e-05",
    "1e+16", "1.5e+300"; exponent when exp < -4 or >= 16, sign always written, at least 2 exponent digits);
    non-finite -> the strings "NaN", "Infinity", "-Infinity";
  str -> JSON string, escaped exactly like JavaScript's JSON.stringify: \\" \\\\ \\b \\f \\n \\r \\t, other
    code points < 0x20 and lone surrogates as \\u00xx / \\udxxx (lowercase hex), everything else raw UTF-8;
  bytes / bytearray -> lowercase hex string; complex -> [re, im] (floats as above);
  torch.dtype -> "torch.float32"; torch.device -> str(device) ("cpu", "cuda:0");
  torch.Size -> array of ints; empty dict -> {}; empty list / tuple -> [];
  set / frozenset -> array of the elements' LEAFs in sorted(set) order (numbers numerically, strings by
    code point); a set Python cannot sort (mixed types) is sorted by the elements' encoded text.
  Any other type -> error (the digest never guesses).

Safetensors (a map; writers order it arbitrarily, e.g. Rust HashMap metadata): tensors sorted by name,
  values = {"__metadata__.<k>": "<v>"} sorted by k; no `__metadata__` -> values {}. "Sorted" = by Unicode
  code point (Python's str order; in JS compare code points, not UTF-16 units).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import math
import struct
import zipfile
from typing import Any

import torch

LEGACY_MAGIC = bytes.fromhex("80028a0a6cfc9c46f9206aa850192e")

# safetensors dtype tag -> torch dtype name
SAFETENSORS_DTYPES = {
    "BOOL": "bool",
    "U8": "uint8",
    "I8": "int8",
    "I16": "int16",
    "U16": "uint16",
    "F16": "float16",
    "BF16": "bfloat16",
    "I32": "int32",
    "U32": "uint32",
    "F32": "float32",
    "F64": "float64",
    "I64": "int64",
    "U64": "uint64",
    "C64": "complex64",
    "F8_E5M2": "float8_e5m2",
    "F8_E4M3": "float8_e4m3fn",
    "F8_E4M3FNUZ": "float8_e4m3fnuz",
    "F8_E5M2FNUZ": "float8_e5m2fnuz",
    "F8_E8M0": "float8_e8m0fnu",
}


class DigestError(Exception):
    pass


# ---------------------------------------------------------------- leaf encoding


def encode_str(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or 0xD800 <= o <= 0xDFFF:
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def encode_float(x: float) -> str:
    if math.isnan(x):
        return '"NaN"'
    if math.isinf(x):
        return '"Infinity"' if x > 0 else '"-Infinity"'
    text = repr(float(x))
    assert "." in text or "e" in text, text
    return text


def encode_leaf(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return encode_float(v)
    if isinstance(v, str):
        return encode_str(v)
    if isinstance(v, (bytes, bytearray)):
        return encode_str(bytes(v).hex())
    if isinstance(v, complex):
        return "[" + encode_float(v.real) + "," + encode_float(v.imag) + "]"
    if isinstance(v, torch.dtype):
        return encode_str(str(v))
    if isinstance(v, torch.device):
        return encode_str(str(v))
    if isinstance(v, torch.Size):
        return "[" + ",".join(str(int(d)) for d in v) + "]"
    if isinstance(v, (dict, list, tuple)) and len(v) == 0:
        return "{}" if isinstance(v, dict) else "[]"
    if isinstance(v, (set, frozenset)):
        try:
            items = [encode_leaf(e) for e in sorted(v)]
        except TypeError:
            items = sorted(encode_leaf(e) for e in v)
        return "[" + ",".join(items) + "]"
    raise DigestError("no digest encoding for a value of type %s.%s" % (type(v).__module__, type(v).__qualname__))


# ---------------------------------------------------------------- tensors


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype)[len("torch.") :]


def tensor_bytes(t: torch.Tensor) -> bytes:
    t = t.detach()
    if t.is_quantized:
        t = t.int_repr()
    if t.layout != torch.strided:
        raise DigestError("no digest for a %s tensor" % t.layout)
    t = t.cpu().resolve_conj().resolve_neg().contiguous().reshape(-1)
    if t.dtype != torch.uint8:
        t = t.view(torch.uint8)
    n = t.numel()
    return ctypes.string_at(t.data_ptr(), n) if n else b""


def tensor_record(t: torch.Tensor) -> str:
    digest = hashlib.sha256(tensor_bytes(t)).hexdigest()
    return record_text(dtype_name(t.dtype), [int(d) for d in t.shape], digest)


def record_text(dtype: str, shape: list[int], sha256: str) -> str:
    return '{"dtype":%s,"shape":[%s],"sha256":"%s"}' % (encode_str(dtype), ",".join(str(d) for d in shape), sha256)


# ---------------------------------------------------------------- walk


class Digest:
    def __init__(self, fmt: str) -> None:
        self.format = fmt
        self.tensors: dict[str, str] = {}  # PATH -> encoded record
        self.values: dict[str, str] = {}  # PATH -> encoded leaf

    def _claim(self, path: str) -> None:
        if path in self.tensors or path in self.values:
            raise DigestError("digest path %r produced twice" % path)

    def walk(self, obj: Any, path: str = "") -> "Digest":
        if isinstance(obj, torch.nn.Module):
            return self.walk(obj.state_dict(), path)
        if isinstance(obj, torch.Tensor):
            self._claim(path)
            self.tensors[path] = tensor_record(obj)
            return self
        if isinstance(obj, torch.Size):
            pass  # a tuple subclass, but a leaf
        elif isinstance(obj, dict) and len(obj) > 0:
            for k, v in obj.items():
                self.walk(v, join(path, str(k)))
            return self
        elif isinstance(obj, (list, tuple)) and len(obj) > 0:
            for i, v in enumerate(obj):
                self.walk(v, join(path, str(i)))
            return self
        self._claim(path)
        self.values[path] = encode_leaf(obj)
        return self

    def text(self) -> str:
        tensors = ",".join(encode_str(k) + ":" + v for k, v in self.tensors.items())
        values = ",".join(encode_str(k) + ":" + v for k, v in self.values.items())
        return '{"format":%s,"tensors":{%s},"values":{%s}}' % (encode_str(self.format), tensors, values)


def join(path: str, key: str) -> str:
    return key if path == "" else path + "." + key


def digest_object(obj: Any, fmt: str) -> str:
    """Digest text of an in-memory object as if it had been loaded from a file of format `fmt`."""
    return Digest(fmt).walk(obj).text()


# ---------------------------------------------------------------- files


def sniff_format(path: str) -> str:
    with open(path, "rb") as f:
        head = f.read(16)
    if head[:4] == b"PK\x03\x04":
        return "torch-zip"
    if head[: len(LEGACY_MAGIC)] == LEGACY_MAGIC:
        return "torch-legacy"
    if len(head) >= 9 and head[8:9] == b"{":
        return "safetensors"
    raise DigestError("%s: not a torch zip, torch legacy or safetensors file" % path)


def torch_major_minor() -> tuple[int, int]:
    parts = torch.__version__.split(".")
    return int(parts[0]), int(parts[1])


def load_torch(path: str, full: bool = False, mmap: bool = False) -> Any:
    kwargs: dict[str, Any] = {"map_location": "cpu", "weights_only": not full}
    if mmap:
        if torch_major_minor() < (2, 1):
            raise DigestError("--mmap needs torch >= 2.1, this is %s" % torch.__version__)
        kwargs["mmap"] = True
    return torch.load(path, **kwargs)


def digest_safetensors_parts(tensors: "dict[str, str]", metadata: "dict[str, str]") -> str:
    """tensors: name -> record text; metadata: the __metadata__ map. Shared by the file and in-memory paths."""
    d = Digest("safetensors")
    for name in sorted(tensors):
        d.tensors[name] = tensors[name]
    for k in sorted(metadata):
        d._claim(join("__metadata__", k))
        d.values[join("__metadata__", k)] = encode_leaf(metadata[k])
    return d.text()


def digest_safetensors_object(tensors: "dict[str, torch.Tensor]", metadata: "dict[str, str] | None") -> str:
    return digest_safetensors_parts({k: tensor_record(t) for k, t in tensors.items()}, metadata or {})


def digest_safetensors(path: str) -> str:
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    base = 8 + n
    records: dict[str, str] = {}
    metadata: dict[str, str] = {}
    for name, info in header.items():
        if name == "__metadata__":
            metadata = dict(info)
            continue
        begin, end = info["data_offsets"]
        dtype = SAFETENSORS_DTYPES[info["dtype"]]
        sha = hashlib.sha256(data[base + begin : base + end]).hexdigest()
        records[name] = record_text(dtype, [int(d) for d in info["shape"]], sha)
    text = digest_safetensors_parts(records, metadata)
    try:
        from safetensors import safe_open  # type: ignore[import-not-found]
    except ImportError:
        return text
    # Cross-check the hand parse against the safetensors package: same tensors, same bytes, same metadata.
    with safe_open(path, framework="pt") as sf:
        by_pkg = digest_safetensors_object({k: sf.get_tensor(k) for k in sf.keys()}, sf.metadata())
    if by_pkg != text:
        raise DigestError("%s: hand-parsed safetensors digest disagrees with the safetensors package" % path)
    return text


def digest_file(path: str, full: bool = False, mmap: bool = False) -> str:
    fmt = sniff_format(path)
    if fmt == "safetensors":
        return digest_safetensors(path)
    return digest_object(load_torch(path, full=full, mmap=mmap), fmt)


def zip_root(path: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.namelist()[0].split("/", 1)[0]
