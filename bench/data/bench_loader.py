"""Data loader throughput: vlmforge's DataLoader (C++ threads, stb_image + Pillow-exact resize)
vs the Hugging Face path (torch.utils.data.DataLoader worker processes, PIL decode +
transformers SiglipImageProcessorPil), same JPEG files, same worker count, same batch size,
one run each, at 384 and 224.

    python bench/data/bench_loader.py --bench-exe BUILD/bench/bench_data_loader \
        [--dir /tmp/vlmforge_bench_data] [--num 64] [--workers 2]

Both sides decode + resize + normalise every image into [B, 3, S, S] float32 batches; no
tokenisation (it is cheap next to decoding an A4 page at 150 dpi). Build the binary with
`cmake --build BUILD --target bench_data_loader`.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch
from PIL import Image
from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil


class Files(torch.utils.data.Dataset):
    def __init__(self, root, size):
        with open(os.path.join(root, "data.jsonl")) as f:
            self.paths = [os.path.join(root, json.loads(l)["image"]) for l in f if l.strip()]
        self.proc = SiglipImageProcessorPil(size={"height": size, "width": size})

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        with Image.open(self.paths[i]) as im:
            return torch.from_numpy(self.proc(images=im, return_tensors="np")["pixel_values"][0])


def hf_run(root, size, workers, batch):
    torch.set_num_threads(1)
    dl = torch.utils.data.DataLoader(Files(root, size), batch_size=batch, num_workers=workers,
                                     prefetch_factor=2 if workers else None)
    t0 = time.perf_counter()
    n = sum(b.shape[0] for b in dl)
    s = time.perf_counter() - t0
    return {"impl": "hf", "size": size, "workers": workers, "samples": n, "seconds": s, "samples_per_s": n / s}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-exe", required=True)
    ap.add_argument("--dir", default="/tmp/vlmforge_bench_data")
    ap.add_argument("--num", type=int, default=64)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.dir, "data.jsonl")):
        subprocess.run([a.bench_exe, "--make", a.dir, "--num", str(a.num)], check=True)
    print(f"{a.num} JPEG pages 1240x1754, batch {a.batch}, {a.workers} workers, {os.cpu_count()} CPUs")
    print(f"{'size':>5} {'vlmforge samples/s':>19} {'HF samples/s':>13} {'ratio':>6}")
    for size in (384, 224):
        out = subprocess.run([a.bench_exe, "--run", a.dir, "--size", str(size), "--workers", str(a.workers),
                              "--batch", str(a.batch)], check=True, capture_output=True, text=True).stdout
        ours = json.loads(out.strip().splitlines()[-1])
        hf = hf_run(a.dir, size, a.workers, a.batch)
        print(f"{size:>5} {ours['samples_per_s']:>19.1f} {hf['samples_per_s']:>13.1f} "
              f"{ours['samples_per_s'] / hf['samples_per_s']:>5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
