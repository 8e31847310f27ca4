"""TensorBoard event files from vlmforge's writer, read back by TensorBoard's own code.

The scalars (tags incl. Cyrillic, steps up to 2**40, values incl. negatives and tiny/huge
magnitudes) are defined here, written by the tool in argv[1], and read back with
  1. tensorboard's TFRecord framing check (its masked_crc32c over length and payload) and its
     compiled Event protobuf (tensorboard.compat.proto.event_pb2),
  2. tensorboard's EventAccumulator,
  3. tbparse.SummaryReader.
Tags, steps and wall times must be exact and values equal to float32(value) exactly.
"""
import glob
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np
from tbparse import SummaryReader
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.proto import event_pb2
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c

TOOL = sys.argv[1]


def expected_entries():
    entries = []
    t0 = 1_764_000_000.25
    for step in range(0, 60):
        entries.append({"tags": ["train/loss"], "values": [4.0 * 0.97 ** step + 0.01 * (step % 7)],
                        "step": step, "wall_time": t0 + step * 0.5})
        if step % 10 == 0:
            entries.append({"tags": ["train/lr", "train/grad_norm"], "values": [3e-4 * (1 - step / 60), -1.5 + step],
                            "step": step, "wall_time": t0 + step * 0.5 + 0.125})
    entries.append({"tags": ["eval/anls", "Метрика/точность"], "values": [0.6441, 1e-8], "step": 59,
                    "wall_time": t0 + 100})
    entries.append({"tags": ["train/loss"], "values": [3.0e38], "step": 2 ** 40, "wall_time": t0 + 200})
    return entries


def main():
    entries = expected_entries()
    expected = {}  # tag -> [(step, float32 value, wall_time)]
    for e in entries:
        for tag, value in zip(e["tags"], e["values"]):
            expected.setdefault(tag, []).append((e["step"], np.float32(value), e["wall_time"]))

    work = tempfile.mkdtemp(prefix="vlmforge_tb_")
    try:
        spec = os.path.join(work, "scalars.json")
        with open(spec, "w", encoding="utf-8") as f:
            json.dump(entries, f, ensure_ascii=False)
        logdir = os.path.join(work, "logs")
        run = subprocess.run([TOOL, spec, logdir], capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stdout, run.stderr)
            return 1
        files = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
        assert len(files) == 1, files
        failures = []

        # 1. Framing + protobuf, record by record.
        events = []
        with open(files[0], "rb") as f:
            data = f.read()
        pos = 0
        while pos < len(data):
            header = data[pos:pos + 8]
            (length,) = struct.unpack("<Q", header)
            (hcrc,) = struct.unpack("<I", data[pos + 8:pos + 12])
            payload = data[pos + 12:pos + 12 + length]
            (pcrc,) = struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])
            if hcrc != masked_crc32c(header) or pcrc != masked_crc32c(payload):
                failures.append(f"bad CRC in record at byte {pos}")
            ev = event_pb2.Event()
            ev.ParseFromString(payload)
            events.append(ev)
            pos += 16 + length
        if events[0].file_version != "brain.Event:2":
            failures.append(f"first event file_version {events[0].file_version!r}")
        got = {}
        for ev in events[1:]:
            for v in ev.summary.value:
                got.setdefault(v.tag, []).append((ev.step, np.float32(v.simple_value), ev.wall_time))
        if got != expected:
            failures.append("event_pb2 read differs from what was written")

        # 2. TensorBoard's EventAccumulator (scalars: step, wall_time, value).
        acc = EventAccumulator(logdir, size_guidance={"scalars": 0})
        acc.Reload()
        tags = sorted(acc.Tags()["scalars"])
        if tags != sorted(expected):
            failures.append(f"EventAccumulator tags {tags} != {sorted(expected)}")
        for tag in expected:
            if tag not in tags:
                continue
            rows = [(s.step, np.float32(s.value), s.wall_time) for s in acc.Scalars(tag)]
            if rows != expected[tag]:
                failures.append(f"EventAccumulator {tag}: {rows[:3]}... != {expected[tag][:3]}...")

        # 3. tbparse.
        df = SummaryReader(logdir, pivot=False, extra_columns={"wall_time"}).scalars
        for tag, rows in expected.items():
            sub = df[df["tag"] == tag]
            got_rows = [(int(s), np.float32(v), float(w)) for s, v, w in zip(sub["step"], sub["value"], sub["wall_time"])]
            if got_rows != rows:
                failures.append(f"tbparse {tag}: {got_rows[:3]}... != {rows[:3]}...")
        n_scalars = sum(len(v) for v in expected.values())
        print(f"event file {os.path.basename(files[0])}: {len(events)} events, {n_scalars} scalars, "
              f"{len(expected)} tags; tbparse rows {len(df)}")
        if failures:
            print("\n".join(failures))
            return 1
        print("OK: tags, steps, wall times exact; values == float32 exactly (event_pb2, EventAccumulator, tbparse)")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
