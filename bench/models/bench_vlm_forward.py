"""Forward-pass benchmark: vlmforge vs transformers, same shapes, same machine, one run.

Default: SigLIP-B/16 (224 px, 196 image tokens) + Qwen2.5-0.5B shapes, batch 2, fp32, CPU, random
weights (nothing is downloaded). Each sample = 1 image + --text text tokens; the loss variant
supervises the last --supervised tokens. Two timings per side (median of --iters):
  logits: forward returning logits at every position (transformers' default output)
  loss:   training forward with labels (transformers: full logits then loss; vlmforge: LM head
          only on supervised positions)

  python bench/models/bench_vlm_forward.py [--build build-models] [--threads 2]
  python bench/models/bench_vlm_forward.py --gpu   # so400m + Qwen2.5-0.5B, batch 8, bf16, CUDA
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import transformers
from transformers import LlavaConfig, LlavaForConditionalGeneration, Qwen2Config, SiglipVisionConfig

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from shapes import QWEN05, SIGLIP_B16, SIGLIP_SO400M  # noqa: E402


def hf_times(vis, txt, args, device, dtype):
    image_token = txt["vocab_size"] - 1
    cfg = LlavaConfig(vision_config=SiglipVisionConfig(**vis).to_dict(),
                      text_config=Qwen2Config(**txt).to_dict(), image_token_index=image_token,
                      vision_feature_layer=-1, vision_feature_select_strategy="full",
                      projector_hidden_act="gelu")
    cfg._attn_implementation = "sdpa"
    with torch.device(device):
        model = LlavaForConditionalGeneration(cfg).to(dtype).eval()
    P = (vis["image_size"] // vis["patch_size"]) ** 2
    B, T = args.batch, P + args.text
    ids = torch.randint(0, image_token, (B, T), device=device)
    ids[:, 1:1 + P] = image_token
    labels = torch.full((B, T), -100, device=device)
    labels[:, T - args.supervised:] = ids[:, T - args.supervised:]
    pix = torch.randn(B, 3, vis["image_size"], vis["image_size"], device=device, dtype=dtype)
    mask = torch.ones(B, T, dtype=torch.long, device=device)

    def timed(with_labels):
        secs = []
        with torch.no_grad():
            for i in range(args.warmup + args.iters):
                if device == "cuda":
                    torch.cuda.synchronize()
                t0 = time.perf_counter()
                out = model(input_ids=ids, pixel_values=pix, attention_mask=mask,
                            labels=labels if with_labels else None)
                (out.loss if with_labels else out.logits).sum().item()
                if device == "cuda":
                    torch.cuda.synchronize()
                if i >= args.warmup:
                    secs.append(time.perf_counter() - t0)
        return statistics.median(secs)

    logits_s = timed(False)
    loss_s = timed(True)
    n = sum(p.numel() for p in model.parameters())
    del model
    return {"logits_s": logits_s, "loss_s": loss_s, "params": n}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("VLMFORGE_BINARY_DIR", "build-models"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=None)
    ap.add_argument("--text", type=int, default=64)
    ap.add_argument("--supervised", type=int, default=32)
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--gpu", action="store_true")
    args = ap.parse_args()
    if args.gpu:
        vis, device, dtype, dname = SIGLIP_SO400M, "cuda", torch.bfloat16, "bf16"
        args.batch = args.batch or 8
    else:
        vis, device, dtype, dname = SIGLIP_B16, "cpu", torch.float32, "fp32"
        args.batch = args.batch or 2
        torch.set_num_threads(args.threads)
    exe = os.path.join(args.build, "bench", "bench_vlm_forward")
    if not os.path.exists(exe):
        sys.exit(f"{exe} not found: cmake --build {args.build} --target bench_vlm_forward")

    with tempfile.TemporaryDirectory() as tmp:
        vpath, tpath = os.path.join(tmp, "vision.json"), os.path.join(tmp, "text.json")
        with open(vpath, "w") as f:
            json.dump(dict(vis, model_type="siglip_vision_model"), f)
        with open(tpath, "w") as f:
            json.dump(dict(QWEN05, model_type="qwen2"), f)
        cmd = [exe, vpath, tpath, "--batch", str(args.batch), "--text", str(args.text),
               "--supervised", str(args.supervised), "--iters", str(args.iters),
               "--warmup", str(args.warmup), "--threads", str(args.threads if device == "cpu" else 0),
               "--dtype", dname, "--device", device]
        ours = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    hf = hf_times(vis, QWEN05, args, device, dtype)

    shape = (f"{'so400m' if args.gpu else 'SigLIP-B/16'} + Qwen2.5-0.5B, batch {args.batch}, "
             f"{dname}, {device}, {ours['tokens'] // args.batch} tokens/sample")
    print(f"# VLM forward: {shape}; threads {args.threads if device == 'cpu' else '-'}; "
          f"transformers {transformers.__version__}, torch {torch.__version__}")
    print(f"# params: vlmforge {ours['params']:,}  transformers {hf['params']:,}")
    print(f"{'variant':<8} {'vlmforge s':>11} {'transformers s':>15} {'speedup':>8}")
    for k, label in (("logits_s", "logits"), ("loss_s", "loss")):
        print(f"{label:<8} {ours[k]:>11.3f} {hf[k]:>15.3f} {hf[k] / ours[k]:>7.2f}x")


if __name__ == "__main__":
    main()
