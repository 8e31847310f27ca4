"""Data-parallel training through `vlmforge launch` (Gloo on CPU): 2 and 4 ranks with the same
global batch end with the same weights as one process (fp32, max-abs-diff <= 1e-5), and their
logged losses agree."""
import json
import os
import subprocess
import sys
import tempfile

from safetensors.torch import load_file

EXE = os.environ["VLMFORGE_EXE"]
SRC = os.environ["VLMFORGE_SOURCE_DIR"]
DATA = os.path.join(os.environ["VLMFORGE_FIXTURES"], "train_data")
CFG = os.path.join(SRC, "tests", "train", "dist_tiny.yaml")


def train(out, batch, nproc, tokenizer, extra=()):
    args = ["train", "--config", CFG, f"data.train={DATA}", f"data.tokenizer={tokenizer}",
            f"train.output_dir={out}", f"train.batch_size={batch}", "train.save_full_weights=true",
            "dist.timeout_s=120", *extra]
    cmd = [EXE, *args] if nproc == 1 else [EXE, "launch", "--nproc", str(nproc), "--", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, (cmd, r.stdout[-2000:], r.stderr[-2000:])
    losses = [json.loads(l)["loss"] for l in open(os.path.join(out, "metrics.jsonl"))
              if '"train"' in l]
    return load_file(os.path.join(out, "final", "model.safetensors")), losses


def main():
    with tempfile.TemporaryDirectory() as d:
        tok = os.path.join(d, "tok", "tokenizer.model")
        w1, l1 = train(os.path.join(d, "one"), 4, 1, tok, ["data.tokenizer_vocab=400"])
        for nproc, batch in ((2, 2), (4, 1)):
            w, l = train(os.path.join(d, f"r{nproc}"), batch, nproc, tok)
            diff = max((w1[k] - w[k]).abs().max().item() for k in w1)
            ldiff = max(abs(a - b) for a, b in zip(l1, l))
            print(f"{nproc} ranks x batch {batch} vs 1 x batch 4: max |dw| = {diff:.3g}, "
                  f"max |dloss| = {ldiff:.3g} over {len(l)} steps")
            assert set(w) == set(w1)
            assert diff <= 1e-5, diff
            assert ldiff <= 1e-5 and len(l) == len(l1), (l1, l)
    print("dist training: OK")


if __name__ == "__main__":
    sys.exit(main())
