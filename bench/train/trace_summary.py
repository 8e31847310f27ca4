"""Self time per operator from a Chrome trace (bench_train_step --trace, or torch.profiler's
export_chrome_trace): the profile behind bench/train's optimisations.

  python bench/train/trace_summary.py TRACE.json [--top 25]
"""
import argparse
import collections
import json


def self_times(events):
    """Self time (us) per name: an event's duration minus its direct children on the same thread."""
    per_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e and e.get("cat") in ("cpu_op", "user_annotation", None):
            per_thread[(e.get("pid"), e.get("tid"))].append(e)
    total = collections.Counter()
    calls = collections.Counter()
    for evs in per_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []  # [event, child time]
        def pop():
            ev, child = stack.pop()
            total[ev["name"]] += ev["dur"] - child
            calls[ev["name"]] += 1
            if stack:
                stack[-1][1] += ev["dur"]
        for e in evs:
            while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= e["ts"]:
                pop()
            stack.append([e, 0.0])
        while stack:
            pop()
    return total, calls


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trace")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    with open(args.trace) as f:
        data = json.load(f)
    total, calls = self_times(data["traceEvents"] if isinstance(data, dict) else data)
    all_us = sum(total.values())
    print(f"{'op':60s} {'self s':>9s} {'%':>6s} {'calls':>6s}")
    for name, us in total.most_common(args.top):
        print(f"{name[:60]:60s} {us / 1e6:9.3f} {100 * us / all_us:6.1f} {calls[name]:6d}")
    print(f"{'total':60s} {all_us / 1e6:9.3f}")


if __name__ == "__main__":
    main()
