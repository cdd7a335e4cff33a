"""Write a corpus of checkpoint files made by the torch that runs this script (FORMAT.md section 9).

    make_fixtures.py OUTDIR

Writes OUTDIR/<file> for every fixture this torch can make, and
  OUTDIR/manifest.json   {FILE: {"digest": DIGEST, "format": F, "root": ZIPROOT|null, "load": "weights-only"|"full",
                                 "mmap": bool, "notes": TEXT}}   (FILE order = creation order)
  OUTDIR/digests/FILE.json   the DIGEST text alone, one line: what `digest.py FILE` / pthlab `inspect --json` print
  OUTDIR/info.json       {"torch": torch.__version__, "python": "3.x.y", "files": N}
DIGEST is computed from the in-memory object with pthdigest (never from the saved file), so comparing it with
digest.py's output on the saved file checks torch's save/load and the digest code against each other.
"load" is found by trying: weights-only when torch.load(weights_only=True) accepts the file, else full (the
refusal is quoted in notes). "mmap" says whether torch.load(mmap=True) accepts it (always false before 2.1).
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from typing import Any, Callable

import torch
from torch import nn

import pthdigest
from fixture_objects import (
    MLP,
    OPTS,
    every_dtype,
    general_checkpoint,
    many_tensors,
    param_with_state,
    non_contiguous,
    python_objects,
    scalar_values,
    shared_storage,
    trained_cnn_bn,
    v3_dtypes,
    zero_dim_and_empty,
)


TORCH = pthdigest.torch_major_minor()
HAS_V3_DTYPES = hasattr(torch, "uint16") and hasattr(torch, "float8_e4m3fn")


class Fixture:
    def __init__(self, name: str, make: Callable[[str], Any], notes: str) -> None:
        self.name = name
        self.make = make  # writes the file at the given path, returns the in-memory object (or a digest text)
        self.notes = notes


FIXTURES: list[Fixture] = []


def fixture(name: str, notes: str, when: bool = True) -> Callable[[Callable[[str], Any]], Callable[[str], Any]]:
    def register(make: Callable[[str], Any]) -> Callable[[str], Any]:
        if when:
            FIXTURES.append(Fixture(name, make, notes))
        return make

    return register


def saved(obj: Any, **kwargs: Any) -> Callable[[str], Any]:
    def make(path: str) -> Any:
        torch.save(obj, path, **kwargs)
        return obj

    return make


# ---------------------------------------------------------------- fixtures on every torch

fixture("mlp_state_dict.pth", "Module.state_dict() of Linear(2,16)-ReLU-Linear(16,3): OrderedDict + _metadata")(
    saved(MLP.state_dict())
)
fixture("cnn_bn_state_dict.pth", "Conv2d+BatchNorm2d+Linear after 2 train steps; num_batches_tracked int64 0-dim")(
    saved(trained_cnn_bn().state_dict())
)
fixture("optim_adam.pth", "Adam state_dict, two param groups (lr 1e-3, 1e-2), 2 steps; step is a 0-dim tensor")(
    saved(OPTS["adam"].state_dict())
)
fixture("optim_adamw_amsgrad.pth", "AdamW(weight_decay=0.01, amsgrad=True) state_dict after 2 steps")(
    saved(OPTS["adamw"].state_dict())
)
fixture("optim_sgd_momentum.pth", "SGD(momentum=0.9, nesterov=True) state_dict after 2 steps")(
    saved(OPTS["sgd_momentum"].state_dict())
)
fixture("optim_sgd.pth", "SGD without momentum: momentum_buffer None (1.13) or no state (2.x)")(
    saved(OPTS["sgd"].state_dict())
)
fixture("general_checkpoint.pth", "tutorial-style dict: epoch, step, model/optimizer state_dicts, loss float, arch")(
    saved(general_checkpoint())
)
fixture("values.pth", "int boundaries (LONG1, 2**100), NaN/inf/-0.0 BINFLOAT, odd keys, None/bools, nesting")(
    saved(scalar_values())
)
fixture("python_objects.pth", "bytes, bytearray, set, complex, dtype, device, Size values")(saved(python_objects()))
fixture("dtypes.pth", "every legacy-mapped dtype with edge values")(saved(every_dtype()))
fixture(
    "conj_neg.pth",
    "conj-bit and neg-bit views: the 7th metadata argument of _rebuild_tensor_v2 (torch 1.x drops the bits)",
    TORCH >= (2, 0),
)(
    saved({"conj": torch.tensor([1 + 2j, 3 - 4j]).conj(), "neg": torch.tensor([1 + 2j, 3 - 4j]).conj().imag})
)
fixture("shared_storage.pth", "tied weights, views with storage_offset, slices smaller than their storage")(
    saved(shared_storage())
)
fixture("non_contiguous.pth", "transposed, expanded (stride 0), step-sliced, permuted, channels_last")(
    saved(non_contiguous())
)
fixture("zero_dim_empty.pth", "0-dim tensors (empty size/stride tuples) and empty tensors (zero-byte records)")(
    saved(zero_dim_and_empty())
)
fixture("params.pth", "nn.Parameter (requires_grad True/False) and a requires_grad tensor")(
    saved(
        {
            "param": nn.Parameter(torch.ones(2, 2)),
            "param_frozen": nn.Parameter(torch.zeros(2), requires_grad=False),
            "grad_tensor": torch.ones(3).requires_grad_(),
        }
    )
)


fixture("param_with_state.pth", "Parameter with a Python attribute: _rebuild_parameter_with_state")(
    saved(param_with_state())
)
fixture("big_containers.pth", "1500-item dict and 1200-item list (batched SETITEMS/APPENDS), lone SETITEM/APPEND")(
    saved({"many": {"k%d" % i: i for i in range(1500)}, "long_list": list(range(1200)), "one": {"x": 1}, "single": [5]})
)


fixture("many_tensors.pth", "300 tensors: storage keys 0..299 (sorted 0,1,10,100,...), memo > 256 (LONG_BINPUT)")(
    saved(many_tensors())
)
fixture("weird.name.pth", "saved to a path: zip root folder is the basename without extension, 'weird.name'")(
    saved(MLP.state_dict())
)


def to_buffer(path: str) -> Any:
    obj = MLP.state_dict()
    buf = io.BytesIO()
    torch.save(obj, buf)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return obj


fixture("archive_root.pth", "saved to a BytesIO: zip root folder 'archive'")(to_buffer)
fixture("legacy.pth", "_use_new_zipfile_serialization=False: magic/protocol/sys_info pickles, 6-tuple pids")(
    saved(
        {"sd": MLP.state_dict(), **shared_storage(), **zero_dim_and_empty(), "epoch": 3, "name": "legacy"},
        _use_new_zipfile_serialization=False,
    )
)
fixture("proto4.pth", "pickle_protocol=4: FRAME, SHORT_BINUNICODE, MEMOIZE (weights_only may refuse)")(
    saved({"sd": MLP.state_dict(), "epoch": 1, "name": "proto4"}, pickle_protocol=4)
)


def whole_model(path: str) -> Any:
    model = trained_cnn_bn()
    torch.save(model, path)
    return model  # digest: model.state_dict()


fixture("model_full.pth", "torch.save(nn.Sequential(...)): whole-model pickle, needs weights_only=False")(whole_model)


def rezip(src: str, dst: str, rewrite: Callable[[str, bytes], bytes] | None = None, deflate: bool = False) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if rewrite is not None:
                data = rewrite(info.filename, data)
            zout.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED)


def deflated(path: str) -> Any:
    obj = shared_storage()
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    rezip(tmp, path, deflate=True)
    os.remove(tmp)
    return obj


fixture("deflated.pth", "a torch zip rewritten by Python zipfile with ZIP_DEFLATED entries, no alignment")(deflated)

# ---------------------------------------------------------------- fixtures that need torch >= 2.1 / 2.2 / 2.3

fixture("dtypes_v3.pth", "float8 / uint16/32/64: _rebuild_tensor_v3, UntypedStorage with a byte numel", HAS_V3_DTYPES)(
    saved(v3_dtypes() if HAS_V3_DTYPES else {})
)


def big_endian(path: str) -> Any:
    """No big-endian host exists here: save little-endian, then write `big` and byteswap every element."""
    obj = {k: v for k, v in every_dtype().items()}  # one storage per tensor: key i <-> i-th tensor
    sizes = [t.element_size() // (2 if t.is_complex() else 1) for t in obj.values()]
    tmp = path + ".tmp"
    torch.save(obj, tmp)

    def swap(name: str, data: bytes) -> bytes:
        part = name.split("/", 1)[1]
        if part == "byteorder":
            assert data == b"little", data
            return b"big"
        if not part.startswith("data/"):
            return data
        size = sizes[int(part[len("data/") :])]
        return b"".join(data[i : i + size][::-1] for i in range(0, len(data), size))

    rezip(tmp, path, rewrite=swap)
    os.remove(tmp)
    return obj


fixture("big_endian.pth", "byteorder 'big' with byteswapped storages (made by rewriting a LE file)", TORCH >= (2, 1))(
    big_endian
)
fixture("no_byteorder.pth", "saved with _disable_byteorder_record=True: no byteorder record", TORCH >= (2, 1))(
    saved(MLP.state_dict(), _disable_byteorder_record=True)
)


def safetensors_file(path: str) -> str:
    from safetensors.torch import save_file  # type: ignore[import-not-found]

    tensors = {
        "fc.weight": MLP[0].weight.detach().clone(),
        "fc.bias": MLP[0].bias.detach().clone(),
        "bn.num_batches_tracked": torch.tensor(5),
        "scalar": torch.tensor(1.5),
        "empty": torch.zeros(0, 4),
        "half": torch.tensor([1.0, -2.0], dtype=torch.float16),
        "10": torch.ones(1),
        "2": torch.ones(2),
    }
    metadata = {"format": "pt", "pthlab": "fixture", "zz": "last"}
    save_file(tensors, path, metadata=metadata)
    return pthdigest.digest_safetensors_object(tensors, metadata)


def have_safetensors() -> bool:
    try:
        import safetensors.torch  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


fixture("model.safetensors", "safetensors.torch.save_file with __metadata__, 0-rank, empty, numeric names", have_safetensors())(
    safetensors_file
)

# ---------------------------------------------------------------- runner


def first_line(e: BaseException) -> str:
    """The informative part of torch's error: its WeightsUnpickler line when there is one."""
    text = str(e)
    marker = text.find("WeightsUnpickler error:")
    if marker >= 0:
        text = text[marker:]
        end = text.find(". ")
        text = text if end < 0 else text[: end + 1]
    lines = text.strip().splitlines() or [""]
    return ("%s: %s" % (type(e).__name__, lines[0]))[:300]


def try_load(path: str, full: bool, mmap: bool = False) -> str | None:
    try:
        pthdigest.load_torch(path, full=full, mmap=mmap)
    except Exception as e:
        return first_line(e)
    return None


def mmap_check(path: str, full: bool, fmt: str, expected: str) -> tuple[bool, str | None]:
    """Whether torch.load(mmap=True) gives the right object; it loads deflated entries without error, wrongly."""
    try:
        got = pthdigest.digest_object(pthdigest.load_torch(path, full=full, mmap=True), fmt)
    except Exception as e:
        return False, "mmap=True refused it: " + first_line(e)
    if got != expected:
        return False, "mmap=True loads it WITHOUT error but with wrong data"
    return True, None


def build(fx: Fixture, outdir: str) -> str:
    path = os.path.join(outdir, fx.name)
    made = fx.make(path)
    fmt = pthdigest.sniff_format(path)
    digest = made if isinstance(made, str) else pthdigest.digest_object(made, fmt)
    notes = fx.notes
    load, mmap = "weights-only", False
    if fmt != "safetensors":
        refused = try_load(path, full=False)
        if refused is not None:
            load = "full"
            notes += "; weights_only=True refused it: " + refused
            failed = try_load(path, full=True)
            if failed is not None:
                raise RuntimeError("%s: torch cannot load its own file: %s" % (fx.name, failed))
        if TORCH >= (2, 1):
            mmap, why = mmap_check(path, full=load == "full", fmt=fmt, expected=digest)
            notes += "" if why is None else "; " + why
    root = pthdigest.zip_root(path) if fmt == "torch-zip" else None
    with open(os.path.join(outdir, "digests", fx.name + ".json"), "wb") as f:
        f.write(digest.encode("utf-8") + b"\n")
    return "%s:{%s}" % (
        pthdigest.encode_str(fx.name),
        ",".join(
            [
                '"digest":' + digest,
                '"format":' + pthdigest.encode_str(fmt),
                '"root":' + ("null" if root is None else pthdigest.encode_str(root)),
                '"load":' + pthdigest.encode_str(load),
                '"mmap":' + ("true" if mmap else "false"),
                '"notes":' + pthdigest.encode_str(notes),
            ]
        ),
    )


def main() -> int:
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_fixtures.py OUTDIR")
    outdir = sys.argv[1]
    os.makedirs(os.path.join(outdir, "digests"), exist_ok=True)
    entries = [build(fx, outdir) for fx in FIXTURES]
    with open(os.path.join(outdir, "manifest.json"), "wb") as f:
        f.write(("{\n" + ",\n".join(entries) + "\n}\n").encode("utf-8"))
    info = '{"torch":%s,"python":%s,"files":%d}\n' % (
        pthdigest.encode_str(torch.__version__),
        pthdigest.encode_str("%d.%d.%d" % sys.version_info[:3]),
        len(entries),
    )
    with open(os.path.join(outdir, "info.json"), "wb") as f:
        f.write(info.encode("utf-8"))
    print("wrote %d fixtures to %s (torch %s)" % (len(entries), outdir, torch.__version__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
