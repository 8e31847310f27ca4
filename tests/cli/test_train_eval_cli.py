"""The train -> eval -> predict -> export path through the CLI on a tiny from-scratch model
(fixture train_data), and its failure messages: empty dataset, checkpoint/tokenizer mismatch,
corrupt predictions, PEFT export without adapters."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from safetensors import safe_open

EXE = os.environ["VLMFORGE_EXE"]
SRC = os.environ["VLMFORGE_SOURCE_DIR"]
DATA = os.path.join(os.environ["VLMFORGE_FIXTURES"], "train_data")
CFG = os.path.join(SRC, "tests", "train", "dist_tiny.yaml")


def run(*args):
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600)


def ok(r):
    assert r.returncode == 0, (r.args, r.stdout[-2000:], r.stderr[-2000:])
    return r


def one_error_line(r, *needles):
    assert r.returncode == 1, (r.args, r.returncode, r.stdout[-500:], r.stderr[-1000:])
    lines = [l for l in r.stderr.strip("\n").split("\n") if l.startswith("error: ")]
    assert len(lines) == 1, r.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])


def main():
    with tempfile.TemporaryDirectory() as d:
        run_dir = os.path.join(d, "run")
        ok(run("train", "--config", CFG, f"data.train={DATA}", f"train.output_dir={run_dir}",
               f"data.tokenizer={d}/tok/tokenizer.model", "data.tokenizer_vocab=400",
               "train.batch_size=4", "train.eval_every=3", "train.eval_questions=2"))
        ckpt = os.path.join(run_dir, "final")
        # periodic generation-based eval during training lands in metrics.jsonl
        recs = [json.loads(l) for l in open(os.path.join(run_dir, "metrics.jsonl"))]
        gen = [r for r in recs if r.get("split") == "val_generation"]
        assert gen and 0.0 <= gen[-1]["anls"] <= 1.0, recs[-3:]
        for f in ("model.safetensors", "optimizer.safetensors", "trainer_state.json", "config.yaml",
                  "tokenizer.model"):
            assert os.path.exists(os.path.join(ckpt, f)), f
        # eval: metrics, predictions and report, with the baseline fitted on the train split
        out = os.path.join(d, "eval")
        r = ok(run("eval", "--checkpoint", ckpt, "--data", DATA, "--out", out, "--limit", "6",
                   "--batch-size", "3", "--max-new-tokens", "8"))
        m = json.load(open(os.path.join(out, "metrics.json")))
        assert 1 <= m["count"] <= 6 and 0.0 <= m["overall"]["anls"] <= 1.0, m
        assert m["baseline"] is not None and "overall" in m["baseline"], m
        preds = [json.loads(l) for l in open(os.path.join(out, "predictions.jsonl"))]
        assert len(preds) == m["count"] and all("prediction" in p for p in preds)
        html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
        assert "<img" in html or "<image" in html, "report without images"
        # predict: one line
        img = os.path.join(DATA, preds[0]["image"])
        r = ok(run("predict", "--checkpoint", ckpt, "--image", img, "--question", "Какая дата?",
                   "--max-new-tokens", "5"))
        assert r.stdout.count("\n") == 1
        # export hf-llava: legacy keys, LLaVA config
        hf = os.path.join(d, "hf")
        ok(run("export", "--checkpoint", ckpt, "--format", "hf-llava", "--out", hf))
        cfg = json.load(open(os.path.join(hf, "config.json")))
        assert cfg["model_type"] == "llava" and cfg["vision_feature_select_strategy"] == "full"
        assert cfg["text_config"]["architectures"] == ["Qwen2ForCausalLM"], cfg["text_config"]
        with safe_open(os.path.join(hf, "model.safetensors"), "pt") as f:
            keys = list(f.keys())
            assert f.metadata()["format"] == "pt"
        assert all(k.split(".")[0] in ("language_model", "vision_tower", "multi_modal_projector")
                   for k in keys), keys[:5]
        # failures, each one readable line
        one_error_line(run("export", "--checkpoint", ckpt, "--format", "peft-lora", "--out",
                           os.path.join(d, "peft")), "LoRA")
        empty = os.path.join(d, "empty")
        os.makedirs(empty)
        open(os.path.join(empty, "data.jsonl"), "w").close()
        one_error_line(run("eval", "--checkpoint", ckpt, "--data", empty))
        bad = os.path.join(d, "bad_ckpt")
        shutil.copytree(ckpt, bad)
        ok(run("train", "--config", CFG, f"data.train={DATA}", f"train.output_dir={d}/big",
               f"data.tokenizer={d}/big/tokenizer.model", "data.tokenizer_vocab=700",
               "model.llm.vocab_size=1024", "train.stages.0.steps=1"))
        shutil.copy(os.path.join(d, "big", "tokenizer.model"), os.path.join(bad, "tokenizer.model"))
        one_error_line(run("eval", "--checkpoint", bad, "--data", DATA), "vocabulary")
        one_error_line(run("eval", "--checkpoint", os.path.join(d, "nope"), "--data", DATA))
    print("train/eval/predict/export CLI: OK")


if __name__ == "__main__":
    sys.exit(main())
