"""safetensors interop: files written by the `safetensors` Python package are read by vlmforge,
and files vlmforge writes are read back equal by it (single files and sharded sets).

usage: io_safetensors_interop.py SAFETENSORS_TOOL
"""
import json
import os
import subprocess
import sys
import tempfile

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

DTYPES = [torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int64, torch.int32,
          torch.int16, torch.int8, torch.uint8, torch.bool, torch.uint16, torch.uint32,
          torch.uint64, torch.float8_e4m3fn, torch.float8_e5m2]


def sample(dtype, shape, g):
    x = torch.randn(shape, generator=g) * 7
    if dtype == torch.bool:
        return x > 0
    if dtype in (torch.uint8, torch.uint16, torch.uint32, torch.uint64):
        return x.abs().to(torch.int64).to(dtype)
    return x.to(dtype)


def same_bits(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.numel() == 0:
        return True
    return bytes(a.reshape(-1).contiguous().view(torch.uint8).tolist()) == \
        bytes(b.reshape(-1).contiguous().view(torch.uint8).tolist())


def check(expected, got, what):
    assert set(expected) == set(got), f"{what}: names differ {set(expected) ^ set(got)}"
    for k in expected:
        assert same_bits(expected[k], got[k]), f"{what}: tensor {k} differs"


def main():
    tool = sys.argv[1]
    g = torch.Generator().manual_seed(0)
    ts = {f"t.{str(d).split('.')[-1]}": sample(d, (3, 7), g) for d in DTYPES}
    ts["scalar"] = torch.tensor(2.5)
    ts["empty"] = torch.zeros(0, 3)
    with tempfile.TemporaryDirectory() as d:
        # 1. Python -> vlmforge -> Python, one file.
        src = os.path.join(d, "py.safetensors")
        save_file(ts, src, metadata={"format": "pt", "origin": "python"})
        ours = os.path.join(d, "ours.safetensors")
        subprocess.run([tool, "copy", src, ours], check=True)
        check(ts, load_file(ours), "python->vlmforge->python")
        with safe_open(ours, "pt") as f:
            meta = f.metadata()
        assert meta.get("format") == "pt" and meta.get("origin") == "python", meta
        n = int.from_bytes(open(ours, "rb").read(8), "little")
        assert n % 8 == 0, "header not padded to 8 bytes"

        # 2. A sharded set written with the Python package + an index -> vlmforge reads it as one.
        sd = os.path.join(d, "sharded_py")
        os.makedirs(sd)
        names = sorted(ts)
        half = len(names) // 2
        parts = {"model-00001-of-00002.safetensors": names[:half],
                 "model-00002-of-00002.safetensors": names[half:]}
        weight_map = {}
        for fname, keys in parts.items():
            save_file({k: ts[k] for k in keys}, os.path.join(sd, fname), metadata={"format": "pt"})
            weight_map.update({k: fname for k in keys})
        with open(os.path.join(sd, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f)
        merged = os.path.join(d, "merged.safetensors")
        subprocess.run([tool, "copy", sd, merged], check=True)
        check(ts, load_file(merged), "sharded python set -> vlmforge")

        # 3. vlmforge writes a sharded set; Python reads every shard through the index.
        out = os.path.join(d, "sharded_ours")
        subprocess.run([tool, "shard", src, out, "300"], check=True)
        with open(os.path.join(out, "model.safetensors.index.json")) as f:
            index = json.load(f)
        assert index["metadata"]["total_size"] == sum(t.numel() * t.element_size() for t in ts.values())
        got = {}
        for fname in sorted(set(index["weight_map"].values())):
            part = load_file(os.path.join(out, fname))
            for k in part:
                assert index["weight_map"][k] == fname
            got.update(part)
        assert len(set(index["weight_map"].values())) > 1, "expected several shards"
        check(ts, got, "vlmforge sharded -> python")

        # 4. A corrupt file is refused by the tool with one error line and exit code 1.
        bad = os.path.join(d, "bad.safetensors")
        with open(bad, "wb") as f:
            f.write(open(src, "rb").read()[:-5])
        r = subprocess.run([tool, "copy", bad, os.path.join(d, "x.safetensors")],
                           capture_output=True, text=True)
        assert r.returncode == 1, r
        assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr
    print(f"safetensors interop: {len(ts)} tensors, {len(DTYPES)} dtypes: OK")


if __name__ == "__main__":
    main()
