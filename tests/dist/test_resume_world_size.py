"""Resume with another world size through the real `vlmforge train --resume` (+ `vlmforge launch`):
the tiny VLM, global batch 4, 4 optimizer steps on 14 samples (3 steps per epoch, so the resumed
half crosses an epoch end).

  ref   1 process, batch 2 x grad_accum 2, uninterrupted (checkpoint at step 2 on the way)
  r2    2 ranks, batch 2 x grad_accum 1, uninterrupted (checkpoint at step 2 on the way)
  2->1  r2's step-2 checkpoint resumed by 1 process, grad_accum 2:     weights vs ref <= 1e-5
  1->2  ref's step-2 checkpoint resumed by 2 ranks, grad_accum 1:      weights vs ref <= 1e-5
  2->2, 1->1  same world size: bit-exact (max |dw| == 0) vs r2 / ref
  2->1 without changing grad_accum: refused, naming train.grad_accum=2

The samples of every step (VLMFORGE_TRACE_SAMPLES) must equal an independent re-implementation
of the data stream (the epoch permutation of (seed, epoch), each step = the next 4 samples), and
the saved loader positions must agree."""
import json
import os
import sys
import tempfile

import tiny_runs as t

N_SAMPLES, GLOBAL_BATCH, STEPS, K = 14, 4, 4, 2
M64 = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def shuffled_range(n, seed, epoch):
    """data/loader/sampler.cpp's shuffle, written again from its description (Fisher-Yates driven
    by splitmix64 seeded from (seed, epoch), unbiased by rejection)."""
    _, first = splitmix64(seed)
    state = first ^ ((epoch * 0xD1B54A32D192ED03) & M64)
    v = list(range(n))
    for i in range(n, 1, -1):
        rng = i
        limit = M64 - M64 % rng
        while True:
            state, x = splitmix64(state)
            if x < limit:
                break
        j = x % rng
        v[i - 1], v[j] = v[j], v[i - 1]
    return v


def expected_stream(record_ids, seed, steps):
    per_epoch = len(record_ids) // GLOBAL_BATCH
    out = {}
    for s in range(steps):
        order = shuffled_range(len(record_ids), seed, s // per_epoch)
        first = (s % per_epoch) * GLOBAL_BATCH
        out[s] = [record_ids[i] for i in order[first:first + GLOBAL_BATCH]]
    return out


def main():
    with tempfile.TemporaryDirectory() as d:
        data = t.make_subset(os.path.join(d, "data"), N_SAMPLES)
        with open(os.path.join(data, "train.jsonl"), encoding="utf-8") as f:
            record_ids = [json.loads(l)["id"] for l in f]
        tok = os.path.join(d, "tok", "tokenizer.model")
        path = lambda *p: os.path.join(d, *p)

        def train(name, nproc, batch, accum, extra=(), resume=None, check=True):
            argv = t.train_argv(data, path(name), tok, batch, accum, extra)
            if resume:
                argv += ["--resume", resume]
            return t.run(argv, nproc, trace=path("trace", name), check=check)

        train("ref", 1, 2, 2, ["data.tokenizer_vocab=400", "train.save_every=2"])
        train("r2", 2, 2, 1, ["train.save_every=2"])
        ref_w = t.weights(path("ref", "final"))
        mid = {"ref": path("ref", "step-000002"), "r2": path("r2", "step-000002")}
        seed = t.loader_position(mid["ref"])[0]["seed"]
        want = expected_stream(record_ids, seed, STEPS)

        failures = []
        print(f"uninterrupted: 2 ranks x batch 2 vs 1 process x batch 2 x accum 2: max |dw| = "
              f"{t.max_abs_diff(ref_w, t.weights(path('r2', 'final'))):.3g}")
        for name in ("ref", "r2"):
            got = t.trace_steps(path("trace", name))
            if got != want:
                failures.append(f"{name}: steps {got} != expected {want}")
        # Same position in global terms, whichever split wrote it.
        pos = {k: t.loader_position(v) for k, v in mid.items()}
        print("loader position at step 2:", pos["ref"][0], "| r2:", pos["r2"][0])
        for key in ("epoch", "samples", "global_batch", "seed", "dataset_size"):
            if pos["ref"][0][key] != pos["r2"][0][key]:
                failures.append(f"loader position {key}: {pos['ref'][0]} vs {pos['r2'][0]}")
        if pos["ref"][0]["samples"] != K * GLOBAL_BATCH or pos["ref"][1:] != (K * GLOBAL_BATCH, K):
            failures.append(f"position after {K} steps: {pos['ref']}")

        # Another global batch is refused with the keys that keep it.
        r = train("refused", 1, 2, 1, resume=mid["r2"], check=False)
        line = (r.stderr.strip().splitlines() or [""])[-1]
        print("1 rank, grad_accum 1 from a 2-rank checkpoint:", line)
        if r.returncode == 0 or "train.grad_accum=2" not in line:
            failures.append(f"not refused properly (exit {r.returncode}): {line}")

        runs = [  # name, nproc, batch, accum, checkpoint, compare with, exact
            ("2to1", 1, 2, 2, mid["r2"], "ref", False),
            ("1to2", 2, 2, 1, mid["ref"], "ref", False),
            ("2to2", 2, 2, 1, mid["r2"], "r2", True),
            ("1to1", 1, 2, 2, mid["ref"], "ref", True),
        ]
        for name, nproc, batch, accum, ckpt, base, exact in runs:
            train(name, nproc, batch, accum, resume=ckpt)
            w = t.weights(path(name, "final"))
            diff = t.max_abs_diff(t.weights(path(base, "final")), w)
            vs_ref = t.max_abs_diff(ref_w, w)
            base_losses = t.losses(path(base))[K:]
            got_losses = t.losses(path(name))
            ldiff = max(abs(a - b) for a, b in zip(base_losses, got_losses))
            print(f"resume {name} ({nproc} x batch {batch} x accum {accum}): max |dw| vs {base} "
                  f"uninterrupted = {diff:.3g} (vs 1-process ref {vs_ref:.3g}), max |dloss| = {ldiff:.3g}")
            steps = t.trace_steps(path("trace", name))
            if steps != {s: want[s] for s in range(K, STEPS)}:
                failures.append(f"{name}: samples {steps} != expected")
            if len(got_losses) != STEPS - K:
                failures.append(f"{name}: {len(got_losses)} steps logged")
            if t.loader_position(path(name, "final"))[0]["samples"] != t.loader_position(path(base, "final"))[0]["samples"]:
                failures.append(f"{name}: final loader position differs")
            limit = 0.0 if exact else 1e-5
            if diff > limit or vs_ref > 1e-5 or ldiff > 1e-5:
                failures.append(f"{name}: max |dw| {diff} (limit {limit}), vs ref {vs_ref}, |dloss| {ldiff}")
        for f in failures:
            print("FAIL:", f)
        if failures:
            return 1
    print("resume with another world size: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
