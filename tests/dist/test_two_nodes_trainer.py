"""Two "nodes" on one machine running the real trainer: two network namespaces joined by a veth
pair (10.232.0.1/24, 10.232.0.2/24), each running `vlmforge launch --nproc 2 --nnodes 2 -- train`
on the tiny VLM (batch 1 per rank, 4 ranks = global batch 4). The final weights must equal one
process with batch 4 (fp32, max-abs-diff <= 1e-5), with the same losses and the same samples in
every step. Needs root for `ip netns`; otherwise skipped (exit 77) with the reason."""
import os
import subprocess
import sys
import tempfile

import tiny_runs as t

SKIP = 77


def sh(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def main():
    tag = str(os.getpid())
    ns = [f"vlmf_t0_{tag}", f"vlmf_t1_{tag}"]
    veth = [f"vt0_{tag}", f"vt1_{tag}"]
    r = sh("ip", "netns", "add", ns[0])
    if r.returncode != 0:
        print(f"SKIPPED: `ip netns add` is not permitted here (needs root / CAP_SYS_ADMIN): {r.stderr.strip()}")
        return SKIP
    try:
        setup = [
            ["ip", "netns", "add", ns[1]],
            ["ip", "link", "add", veth[0], "type", "veth", "peer", "name", veth[1]],
            ["ip", "link", "set", veth[0], "netns", ns[0]],
            ["ip", "link", "set", veth[1], "netns", ns[1]],
            ["ip", "-n", ns[0], "addr", "add", "10.232.0.1/24", "dev", veth[0]],
            ["ip", "-n", ns[1], "addr", "add", "10.232.0.2/24", "dev", veth[1]],
        ] + [["ip", "-n", n, "link", "set", dev, "up"] for n in ns for dev in ("lo", veth[ns.index(n)])]
        for cmd in setup:
            r = sh(*cmd)
            assert r.returncode == 0, (cmd, r.stderr)
        with tempfile.TemporaryDirectory() as d:
            data = t.make_subset(os.path.join(d, "data"), 14)
            tok = os.path.join(d, "tok", "tokenizer.model")
            t.run(t.train_argv(data, os.path.join(d, "one"), tok, 4, 1, ["data.tokenizer_vocab=400"]),
                  trace=os.path.join(d, "trace_one"))

            # Both nodes' launchers at once, each inside its namespace; the worker command is the
            # same `train` for both (only rank 0 writes the run folder).
            argv = t.train_argv(data, os.path.join(d, "nodes"), tok, 1, 1)
            env = dict(os.environ, OMP_NUM_THREADS="1", VLMFORGE_TRACE_SAMPLES=os.path.join(d, "trace_nodes"))
            os.makedirs(env["VLMFORGE_TRACE_SAMPLES"])
            procs = []
            for node in range(2):
                cmd = ["ip", "netns", "exec", ns[node], t.EXE, "launch", "--nproc", "2", "--nnodes", "2",
                       "--node-rank", str(node), "--master", "10.232.0.1:29518", "--", *argv]
                log = open(os.path.join(d, f"node{node}.log"), "w")
                procs.append((subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env), log))
            codes = []
            for p, log in procs:
                try:
                    codes.append(p.wait(timeout=600))
                except subprocess.TimeoutExpired:
                    p.kill()
                    codes.append("timeout")
                log.close()
            for node, code in enumerate(codes):
                if code != 0:
                    print(open(os.path.join(d, f"node{node}.log")).read()[-3000:])
                    print(f"FAIL: node {node} launcher exited with {code}")
                    return 1

            diff = t.max_abs_diff(t.weights(os.path.join(d, "one", "final")),
                                  t.weights(os.path.join(d, "nodes", "final")))
            l1, l4 = t.losses(os.path.join(d, "one")), t.losses(os.path.join(d, "nodes"))
            ldiff = max(abs(a - b) for a, b in zip(l1, l4))
            same_samples = t.trace_steps(os.path.join(d, "trace_one")) == t.trace_steps(os.path.join(d, "trace_nodes"))
            print(f"2 nodes x 2 ranks x batch 1 vs 1 process x batch 4, {len(l4)} steps: max |dw| = {diff:.3g}, "
                  f"max |dloss| = {ldiff:.3g}, same samples per step: {same_samples}")
            if diff > 1e-5 or ldiff > 1e-5 or len(l1) != len(l4) or not same_samples:
                print("FAIL")
                return 1
    finally:
        for n in ns:
            sh("ip", "netns", "del", n)  # deleting a namespace destroys its veth end and the pair
    print("two nodes with the trainer: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
