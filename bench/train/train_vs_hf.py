"""Training throughput: vlmforge vs transformers + PEFT on the same job, side by side.

For each configuration the script builds ONE random-weight LLaVA with transformers (seeded) and
saves it; both sides load those weights, train the same parts with the same LoRA (r=16, alpha=32,
every attention and MLP linear of the LLM, PEFT's initial A/B), the same AdamW (lr 1e-4, no weight
decay), global-norm clipping 1.0 and the same fixed batch (one image + 256 text tokens per
sample, labels on the text only). Each side runs in its own process (so peak RSS is its own);
the sides alternate (peer, vlmforge, vlmforge, peer, ... over --rounds) so load on the machine
hits both alike. Printed per configuration: samples/s, tokens/s, peak RSS and vlmforge/peer
ratios; with --trajectory N also the per-step loss match over N steps (max relative difference).

  python bench/train/train_vs_hf.py [--build build] [--configs qwen-lora,qwen-full,phi-lora,phi-full]
        [--steps 3] [--warmup 1] [--rounds 1] [--trajectory 20] [--json out.json]

CPU shapes (fp32): SigLIP-B/16-224 (196 image tokens) + Qwen2.5-0.5B or Phi-1.5 cut to 4 layers,
batch 4. `--gpu` uses the GPU rows (so400m + Phi-1.5 / Qwen2.5-0.5B / 1.5B, bf16, CUDA).
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from shapes import PHI15, QWEN05, QWEN15, SIGLIP_B16, SIGLIP_SO400M  # noqa: E402

LORA_TARGETS = (r".*language_model.*\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj"
                r"|dense|fc1|fc2)")
TEXT_TOKENS = 256
LR = 1e-4


def cpu_configs():
    return {
        "qwen-lora": dict(vision=SIGLIP_B16, text=dict(QWEN05, num_hidden_layers=4), mode="lora", batch=4),
        "qwen-full": dict(vision=SIGLIP_B16, text=dict(QWEN05, num_hidden_layers=4), mode="full", batch=4),
        "phi-lora": dict(vision=SIGLIP_B16, text=dict(PHI15, num_hidden_layers=4), mode="lora", batch=4),
        "phi-full": dict(vision=SIGLIP_B16, text=dict(PHI15, num_hidden_layers=4), mode="full", batch=4),
    }


def gpu_configs():
    return {
        "moondream-lora": dict(vision=SIGLIP_SO400M, text=PHI15, mode="lora", batch=8),
        "moondream-full": dict(vision=SIGLIP_SO400M, text=PHI15, mode="full", batch=8),
        "qwen05-lora": dict(vision=SIGLIP_SO400M, text=QWEN05, mode="lora", batch=8),
        "qwen05-full": dict(vision=SIGLIP_SO400M, text=QWEN05, mode="full", batch=8),
        "qwen15-lora": dict(vision=SIGLIP_SO400M, text=QWEN15, mode="lora", batch=8),
    }


def llava_config(cfg):
    from transformers import LlavaConfig, PhiConfig, Qwen2Config, SiglipVisionConfig
    text = cfg["text"]
    tcfg = (PhiConfig if text["architectures"] == ["PhiForCausalLM"] else Qwen2Config)(**text)
    image_token = tcfg.vocab_size - 1
    vis = SiglipVisionConfig(**cfg["vision"])
    patches = (vis.image_size // vis.patch_size) ** 2
    return LlavaConfig(vision_config=vis.to_dict(), text_config=tcfg.to_dict(),
                       image_token_index=image_token, image_seq_length=patches,
                       projector_hidden_act="gelu", vision_feature_layer=-2,
                       vision_feature_select_strategy="full",
                       architectures=["LlavaForConditionalGeneration"]), patches


def prepare(cfg, out_dir):
    """Writes base/ (the random LLaVA), batch.safetensors and lora_init.safetensors."""
    from safetensors.torch import save_file
    from transformers import LlavaForConditionalGeneration
    torch.manual_seed(0)
    lcfg, patches = llava_config(cfg)
    model = LlavaForConditionalGeneration(lcfg).float()
    model.save_pretrained(os.path.join(out_dir, "base"))
    g = torch.Generator().manual_seed(1)
    B, T = cfg["batch"], patches + TEXT_TOKENS
    image_token = lcfg.image_token_index
    ids = torch.randint(0, image_token, (B, T), generator=g)
    ids[:, :patches] = image_token
    labels = ids.clone()
    labels[:, :patches] = -100
    size = lcfg.vision_config.image_size
    batch = {"input_ids": ids, "labels": labels, "attention_mask": torch.ones(B, T, dtype=torch.long),
             "pixel_values": torch.randn(B, 3, size, size, generator=g)}
    save_file(batch, os.path.join(out_dir, "batch.safetensors"))
    if cfg["mode"] == "lora":
        peft_model = attach_lora(model)
        init = {}
        for n, p in peft_model.named_parameters():
            if "lora_" in n:
                ours = n.replace("base_model.model.model.language_model.", "language_model.model.")
                init[ours.replace(".default.", ".")] = p.detach().clone().contiguous()
        save_file(init, os.path.join(out_dir, "lora_init.safetensors"))
    del model


def attach_lora(model):
    from peft import LoraConfig, get_peft_model
    return get_peft_model(model, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0,
                                            target_modules=LORA_TARGETS))


def run_peer(args):
    """The transformers + PEFT side, in its own process: prints one JSON line."""
    from safetensors.torch import load_file
    from transformers import LlavaForConditionalGeneration
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    model = LlavaForConditionalGeneration.from_pretrained(
        os.path.join(args.work, "base"), dtype=dtype, attn_implementation="sdpa").to(device)
    for p in model.parameters():
        p.requires_grad_(False)
    if args.mode == "lora":
        model = attach_lora(model)
        init = load_file(os.path.join(args.work, "lora_init.safetensors"))
        for n, p in model.named_parameters():
            p.requires_grad_(False)
            if "lora_" in n:
                ours = n.replace("base_model.model.model.language_model.", "language_model.model.")
                p.data.copy_(init[ours.replace(".default.", ".")])
                p.requires_grad_(True)
    for n, p in model.named_parameters():
        # transformers 5 keeps the LLaVA LM head at the top level ("lm_head.weight"): it is part
        # of the LLM (tied to the embeddings for Qwen2.5, separate for Phi).
        in_llm = "language_model" in n or n.startswith("lm_head") or ".lm_head." in n
        if "multi_modal_projector" in n or (args.mode == "full" and in_llm):
            p.requires_grad_(True)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    # transformers' Trainer defaults: torch AdamW as constructed with defaults, clipping at 1.0.
    opt = torch.optim.AdamW(params, lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    batch = load_file(os.path.join(args.work, "batch.safetensors"))
    batch = {k: v.to(device) for k, v in batch.items()}
    batch["pixel_values"] = batch["pixel_values"].to(dtype)
    secs, losses, phases = [], [], {"forward": [], "backward": [], "optimizer": []}
    for i in range(args.warmup + args.steps):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        out = model(**batch)
        loss = out.loss.item()
        t1 = time.perf_counter()
        out.loss.backward()
        t2 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        if device.type == "cuda":
            torch.cuda.synchronize()
        t3 = time.perf_counter()
        s = t3 - t0
        for k, v in zip(phases, (t1 - t0, t2 - t1, t3 - t2)):
            phases[k].append(v)
        losses.append(loss)
        if i >= args.warmup:
            secs.append(s)
        print(f"peer step {i + 1}: loss {loss:.6f}, {s:.2f} s", file=sys.stderr)
    res = {"side": "peer", "step_s": secs, "losses": losses, "phases_s": phases,
           "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
           "trainable_params": sum(p.numel() for p in params), "threads": torch.get_num_threads()}
    if device.type == "cuda":
        res["peak_alloc_gib"] = torch.cuda.max_memory_allocated() / 2**30
    print(json.dumps(res))


def fmt_phases(side):
    return " ".join(f"{k} {v:.2f}" for k, v in side["phases_s"].items())


def run_side(side, args, cfg, work, steps, warmup):
    if side == "peer":
        cmd = [sys.executable, os.path.abspath(__file__), "--peer", "--work", work,
               "--mode", cfg["mode"], "--steps", str(steps), "--warmup", str(warmup),
               "--threads", str(args.threads), "--device", args.device, "--dtype", args.dtype]
    else:
        exe = os.path.join(args.build, "bench", "bench_train_step")
        cmd = [exe, "--model", os.path.join(work, "base"),
               "--batch", os.path.join(work, "batch.safetensors"), "--mode", cfg["mode"],
               "--steps", str(steps), "--warmup", str(warmup), "--lr", str(LR),
               "--threads", str(args.threads), "--device", args.device, "--dtype", args.dtype]
        if cfg["mode"] == "lora":
            cmd += ["--lora-init", os.path.join(work, "lora_init.safetensors")]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"{side} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build", help="vlmforge build folder (bench targets built)")
    ap.add_argument("--configs", default="", help="comma-separated names (default: all of the device)")
    ap.add_argument("--steps", type=int, default=3, help="timed steps per round and side")
    ap.add_argument("--warmup", type=int, default=1, help="untimed steps before them")
    ap.add_argument("--rounds", type=int, default=1, help="peer/vlmforge alternations (ABBA order)")
    ap.add_argument("--trajectory", type=int, default=0,
                    help="also compare the per-step loss over N steps (0: off)")
    ap.add_argument("--threads", type=int, default=0, help="intra-op threads (0: torch default)")
    ap.add_argument("--gpu", action="store_true", help="the GPU rows, bf16 on CUDA")
    ap.add_argument("--json", default="", help="also write the results here")
    ap.add_argument("--keep", default="", help="keep the generated models in this folder")
    # internal: the peer process
    ap.add_argument("--peer", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--work", default="", help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="lora", help=argparse.SUPPRESS)
    ap.add_argument("--device", default="cpu", help=argparse.SUPPRESS)
    ap.add_argument("--dtype", default="fp32", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.peer:
        return run_peer(args)
    if args.gpu:
        args.device, args.dtype = "cuda", "bf16"
    exe = os.path.join(args.build, "bench", "bench_train_step")
    if not os.path.exists(exe):
        sys.exit(f"{exe} not found: cmake --build {args.build} --target bench_train_step")
    table = gpu_configs() if args.gpu else cpu_configs()
    names = [n for n in args.configs.split(",") if n] or list(table)
    import transformers
    import peft
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, peft {peft.__version__}, "
          f"device {args.device}, dtype {args.dtype}, threads {args.threads or torch.get_num_threads()}")
    results = {}
    for name in names:
        cfg = table[name]
        work = os.path.join(args.keep, name) if args.keep else tempfile.mkdtemp(prefix=f"vf_bench_{name}_")
        if not os.path.exists(os.path.join(work, "batch.safetensors")):
            os.makedirs(work, exist_ok=True)
            prepare(cfg, work)
        runs = {"peer": [], "vlmforge": []}
        order = []
        for r in range(args.rounds):
            order += ["peer", "vlmforge"] if r % 2 == 0 else ["vlmforge", "peer"]
        for side in order:
            runs[side].append(run_side(side, args, cfg, work, args.steps, args.warmup))
        tokens_per_step = cfg["batch"] * (TEXT_TOKENS + (cfg["vision"]["image_size"] // cfg["vision"]["patch_size"]) ** 2)
        row = {}
        for side, rs in runs.items():
            step_s = statistics.median([s for r in rs for s in r["step_s"]])
            row[side] = {"step_s": step_s, "samples_per_s": cfg["batch"] / step_s,
                         "tokens_per_s": tokens_per_step / step_s,
                         "peak_rss_mib": max(r["peak_rss_mib"] for r in rs),
                         "trainable_params": rs[0]["trainable_params"], "losses": rs[0]["losses"],
                         "phases_s": {k: statistics.median(v[args.warmup:] or v)
                                      for k, v in rs[0]["phases_s"].items()}}
        row["ratio_samples_per_s"] = row["vlmforge"]["samples_per_s"] / row["peer"]["samples_per_s"]
        row["ratio_peak_rss"] = row["vlmforge"]["peak_rss_mib"] / row["peer"]["peak_rss_mib"]
        first = [abs(a - b) / abs(b) for a, b in zip(row["vlmforge"]["losses"], row["peer"]["losses"])]
        row["loss_max_rel_diff"] = max(first)
        if args.trajectory:
            traj = {side: run_side(side, args, cfg, work, args.trajectory, 0)["losses"]
                    for side in ("peer", "vlmforge")}
            rel = [abs(a - b) / abs(b) for a, b in zip(traj["vlmforge"], traj["peer"])]
            row["trajectory"] = {"steps": args.trajectory, "max_rel_diff": max(rel),
                                 "peer_first_last": [traj["peer"][0], traj["peer"][-1]],
                                 "vlmforge_first_last": [traj["vlmforge"][0], traj["vlmforge"][-1]]}
        results[name] = row
        p, v = row["peer"], row["vlmforge"]
        print(f"{name:15s} peer {p['samples_per_s']:7.3f} samples/s {p['tokens_per_s']:8.1f} tok/s "
              f"RSS {p['peak_rss_mib']:7.0f} MiB | vlmforge {v['samples_per_s']:7.3f} samples/s "
              f"{v['tokens_per_s']:8.1f} tok/s RSS {v['peak_rss_mib']:7.0f} MiB | "
              f"speed x{row['ratio_samples_per_s']:.2f}, RSS x{row['ratio_peak_rss']:.2f}, "
              f"loss rel diff {row['loss_max_rel_diff']:.2e}"
              + f"\n{'':15s} phases (s) peer {fmt_phases(p)} | vlmforge {fmt_phases(v)}"
              + (f", {args.trajectory}-step trajectory max rel {row['trajectory']['max_rel_diff']:.2e}"
                 if args.trajectory else ""), flush=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
