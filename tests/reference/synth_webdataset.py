"""WebDataset shards written by `vlmforge synth --shards` are read by PyPI `webdataset`: every
sample has a decodable JPEG and a JSON record whose id is the sample key, whose image names the
JPEG member and whose boxes lie inside the image; sample count equals the manifest's.
Usage: synth_webdataset.py VLMFORGE_EXE
"""
import glob
import io
import json
import os
import subprocess
import sys
import tempfile

import webdataset as wds
from PIL import Image


def main() -> int:
    exe = sys.argv[1]
    out = tempfile.mkdtemp(prefix="synth_wds_")
    cfg = os.path.join(os.environ.get("VLMFORGE_SOURCE_DIR", "."), "configs/synth/ru_docs.yaml")
    subprocess.run([exe, "synth", "--config", cfg, "--out", out, "--num", "40", "--seed", "11",
                    "--workers", "2", "--shards", "--no-progress", "synth.shard_size=8",
                    "synth.splits.val=0.2", "synth.splits.test=0.2"], check=True)
    shards = sorted(glob.glob(os.path.join(out, "shard-*.tar")))
    assert shards, "no shards written"
    n = 0
    for sample in wds.WebDataset(shards, shardshuffle=False):
        rec = json.loads(sample["json"])
        img = Image.open(io.BytesIO(sample["jpg"]))
        assert rec["id"] == sample["__key__"], (rec["id"], sample["__key__"])
        assert rec["image"] == sample["__key__"] + ".jpg"
        assert len(rec["conversations"]) == 2 * len(rec["qa_meta"])
        for r in rec["regions"]:
            x1, y1, x2, y2 = r["bbox"]
            assert 0 <= x1 < x2 <= img.width and 0 <= y1 < y2 <= img.height, r
        n += 1
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    assert n == manifest["num"] == 40, (n, manifest["num"])
    print(f"webdataset read {n} samples from {len(shards)} shards")
    return 0


if __name__ == "__main__":
    sys.exit(main())
