"""The vlmforge CLI as a user meets it: every subcommand has --help, unlanded ones exit 2 without
output, `inspect` prints a table for valid files and one error line (exit 1) for corrupt ones,
and config errors from any subcommand name the key."""
import json
import os
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import save_file

EXE = os.environ["VLMFORGE_EXE"]
COMMANDS = ["synth", "train", "eval", "export", "predict", "tokenize", "inspect", "launch"]


def run(*args, stdin=None):
    return subprocess.run([EXE, *args], capture_output=True, text=True, input=stdin, timeout=120)


def one_error_line(r, *needles):
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])


def main():
    r = run("--help")
    assert r.returncode == 0 and all(c in r.stdout for c in COMMANDS), r.stdout
    assert run().returncode == 2
    assert run("frobnicate").returncode == 2
    for c in COMMANDS:
        r = run(c, "--help")
        assert r.returncode == 0 and r.stdout.startswith(f"usage: vlmforge {c}"), (c, r)
    one_error_line(run("inspect", "--bogus", "x"), "unknown option --bogus")

    with tempfile.TemporaryDirectory() as d:
        g = torch.Generator().manual_seed(0)
        ts = {"model.embed_tokens.weight": torch.randn(10, 4, generator=g),
              "lm_head.weight": torch.randn(10, 4, generator=g).to(torch.bfloat16),
              "model.norm.weight": torch.ones(4)}
        f = os.path.join(d, "model.safetensors")
        save_file(ts, f, metadata={"format": "pt"})
        json.dump({"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "hidden_size": 4,
                   "vocab_size": 10}, open(os.path.join(d, "config.json"), "w"))
        r = run("inspect", d)
        assert r.returncode == 0, r.stderr
        for name in ts:
            assert name in r.stdout, r.stdout
        assert "[10, 4]" in r.stdout and "BF16" in r.stdout
        assert "3 tensors, 84 parameters" in r.stdout, r.stdout
        assert "Qwen2ForCausalLM" in r.stdout
        r = run("inspect", f, "--filter", "^lm_head")
        assert r.returncode == 0 and "1 tensors, 40 parameters" in r.stdout, r.stdout

        bad = os.path.join(d, "bad.safetensors")
        open(bad, "wb").write(open(f, "rb").read()[:-3])
        one_error_line(run("inspect", bad), bad, "truncated")
        open(bad, "wb").write(b"\x10\x00\x00\x00\x00\x00\x00\x00not json at all!")
        one_error_line(run("inspect", bad), bad, "JSON")
        one_error_line(run("inspect", os.path.join(d, "missing.safetensors")), "no such file")

        cfg = os.path.join(d, "c.yaml")
        open(cfg, "w").write("train:\n  batch_size: 2\n  lr_schedule: cosine\n")
        # Subcommands that load a config report its errors before anything else.
        r = run("train", "--config", cfg, "--print-config")
        if r.returncode != 2:  # the trainer has landed: the config error must be named
            one_error_line(r, f"{cfg}:3: train.lr_schedule", "unknown key")
    print("cli: OK")


if __name__ == "__main__":
    sys.exit(main())
