"""Runs of the tiny VLM (tests/dist/tiny_vlm.yaml) through the real `vlmforge train`, one process
or under `vlmforge launch`, for the data-parallel tests of tests/dist."""
import json
import os
import subprocess

from safetensors.torch import load_file

EXE = os.environ["VLMFORGE_EXE"]
SRC = os.environ["VLMFORGE_SOURCE_DIR"]
FIXTURE = os.path.join(os.environ["VLMFORGE_FIXTURES"], "train_data")
CFG = os.path.join(SRC, "tests", "dist", "tiny_vlm.yaml")


def make_subset(dst, n):
    """A dataset folder with the first n training records of the trainer fixture (no val split)."""
    os.makedirs(dst)
    with open(os.path.join(FIXTURE, "train.jsonl"), encoding="utf-8") as f:
        lines = f.readlines()[:n]
    assert len(lines) == n, f"fixture has {len(lines)} records, need {n}"
    with open(os.path.join(dst, "train.jsonl"), "w", encoding="utf-8") as f:
        f.writelines(lines)
    os.symlink(os.path.join(FIXTURE, "images"), os.path.join(dst, "images"))
    return dst


def train_argv(data, out, tokenizer, batch, accum, extra=()):
    return ["train", "--config", CFG, f"data.train={data}", f"data.tokenizer={tokenizer}",
            f"train.output_dir={out}", f"train.batch_size={batch}", f"train.grad_accum={accum}",
            *extra]


def run(argv, nproc=1, prefix=(), trace=None, check=True, timeout=600):
    """`vlmforge <argv>` (nproc 1) or `vlmforge launch --nproc N -- <argv>`; returns the result."""
    cmd = [*prefix, EXE, *argv] if nproc == 1 else [*prefix, EXE, "launch", "--nproc", str(nproc), "--", *argv]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    if trace:
        os.makedirs(trace, exist_ok=True)
        env["VLMFORGE_TRACE_SAMPLES"] = trace
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if check:
        assert r.returncode == 0, (cmd, r.stdout[-2000:], r.stderr[-2000:])
    return r


def weights(ckpt):
    return load_file(os.path.join(ckpt, "model.safetensors"))


def losses(out):
    with open(os.path.join(out, "metrics.jsonl")) as f:
        return [json.loads(l)["loss"] for l in f if '"train"' in l]


def loader_position(ckpt):
    with open(os.path.join(ckpt, "trainer_state.json")) as f:
        state = json.load(f)
    return state["loader"], state["samples"], state["step"]


def max_abs_diff(a, b):
    assert set(a) == set(b), sorted(set(a) ^ set(b))
    return max((a[k] - b[k]).abs().max().item() for k in a)


def trace_steps(trace):
    """{step: [sample ids of the step's global batch in block order]} from VLMFORGE_TRACE_SAMPLES."""
    blocks = {}
    for name in os.listdir(trace):
        with open(os.path.join(trace, name)) as f:
            for line in f:
                step, block, *ids = line.split()
                assert (int(step), int(block)) not in blocks, f"block {block} of step {step} twice"
                blocks[(int(step), int(block))] = ids
    steps = {}
    for (step, _), ids in sorted(blocks.items()):
        steps.setdefault(step, []).extend(ids)
    return steps
