"""Export interop check (ctest export_interop; fixtures from export_make_fixtures.py).

For each case (SigLIP+Qwen2, SigLIP+Phi) runs the C++ export_tool, then with the venv's
transformers / peft:
  1. LLaVA written by transformers -> vlmforge (load_llava): logits equal transformers'.
  2. PEFT adapter written by peft -> vlmforge (load_peft_adapter): LLM logits equal peft's.
  3. vlmforge hf-llava export -> LlavaForConditionalGeneration.from_pretrained: no missing,
     unexpected or mismatched keys; logits equal vlmforge's (LoRA merged); legacy key layout,
     config fields, safetensors metadata; AutoProcessor loads it and expands <image>.
  4. vlmforge peft-lora export -> PeftModel.from_pretrained(text base): every adapter tensor
     loaded; LLM logits equal vlmforge's with adapters.
  5. Phi lm_head bias: a bias added to the export is reported UNEXPECTED by transformers
     (the fact behind the exporter's refuse/drop/keep policy).
Tolerance: max |diff| <= 1e-4 in fp32. Prints versions and every max diff.
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import peft
import torch
import transformers
from peft import PeftModel
from peft.utils import load_peft_weights
from PIL import Image
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM, AutoProcessor, LlavaForConditionalGeneration

TOL = 1e-4
FIXTURES = os.path.join(os.environ.get("VLMFORGE_FIXTURES", "fixtures"), "export")
OUT = os.path.join(os.environ.get("VLMFORGE_BINARY_DIR", "."), "export_interop")
failures = []


def check(ok, what):
    print(("  ok   " if ok else "  FAIL ") + what)
    if not ok:
        failures.append(what)


def max_diff(a, b):
    return (a.float() - b.float()).abs().max().item()


def compare(name, got, want):
    d = max_diff(got, want)
    check(got.shape == want.shape and d <= TOL, f"{name}: max |diff| = {d:.3e} (tol {TOL:g})")


def check_hf_llava_folder(d, meta):
    cfg = json.load(open(os.path.join(d, "config.json")))
    check(cfg["model_type"] == "llava" and cfg["architectures"] == ["LlavaForConditionalGeneration"],
          "config: model_type llava, LlavaForConditionalGeneration")
    want_arch = {"qwen2": "Qwen2ForCausalLM", "phi": "PhiForCausalLM"}[meta["family"]]
    check(cfg["text_config"].get("architectures") == [want_arch]
          and cfg["text_config"]["model_type"] == meta["family"],
          f"config: text_config architectures [{want_arch}]")
    check(cfg["vision_config"]["model_type"] == "siglip_vision_model"
          and cfg["vision_config"]["vision_use_head"] is False, "config: SigLIP vision, no head")
    check(cfg["vision_feature_select_strategy"] == "full" and cfg["projector_hidden_act"] == "gelu"
          and cfg["multimodal_projector_bias"] is True, "config: full strategy, gelu, projector bias")
    index = os.path.join(d, "model.safetensors.index.json")
    files = (sorted(set(json.load(open(index))["weight_map"].values())) if os.path.exists(index)
             else ["model.safetensors"])
    if meta["max_shard_bytes"]:
        check(len(files) > 1, f"sharded into {len(files)} files with an index")
    keys = []
    for f in files:
        with safe_open(os.path.join(d, f), "pt") as sf:
            check(sf.metadata() == {"format": "pt"}, f"{f}: __metadata__ {{'format': 'pt'}}")
            keys += list(sf.keys())
    prefixes = ("vision_tower.vision_model.", "multi_modal_projector.linear_",
                "language_model.model.", "language_model.lm_head.")
    check(all(k.startswith(prefixes) for k in keys) and not any("lora" in k for k in keys),
          f"{len(keys)} tensors, all with legacy LLaVA keys, no LoRA tensors")


def check_processor(d, meta):
    proc = AutoProcessor.from_pretrained(d)
    img = Image.fromarray(np.random.default_rng(0).integers(0, 255, (48, 40, 3), dtype=np.uint8))
    msgs = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "w5 w6"}]}]
    prompt = proc.apply_chat_template(msgs, add_generation_prompt=True)
    enc = proc(text=prompt, images=img, return_tensors="pt")
    n_img = int((enc["input_ids"] == meta["image_token_id"]).sum())
    check(type(proc).__name__ == "LlavaProcessor" and n_img == 16
          and tuple(enc["pixel_values"].shape) == (1, 3, 32, 32),
          f"AutoProcessor: {type(proc).__name__}, chat template -> {n_img} image tokens, "
          f"pixel_values {tuple(enc['pixel_values'].shape)}")


def run_case(family):
    case = os.path.join(FIXTURES, family)
    meta = json.load(open(os.path.join(case, "meta.json")))
    out = os.path.join(OUT, family)
    shutil.rmtree(out, ignore_errors=True)
    print(f"== {family}: export_tool")
    r = subprocess.run([sys.argv[1], case, out], capture_output=True, text=True)
    print(r.stdout + r.stderr)
    check(r.returncode == 0, "export_tool ran, model unchanged by export")
    if r.returncode != 0:
        return
    io = load_file(os.path.join(case, "io.safetensors"))
    ours = load_file(os.path.join(out, "vlmforge_logits.safetensors"))

    print(f"== {family}: transformers/peft -> vlmforge")
    compare("LLaVA folder from transformers, logits vs transformers", ours["llava_logits"],
            io["llava_logits"])
    compare("PEFT adapter from peft, LLM logits vs peft", ours["peft_loaded_text_logits"],
            io["peft_text_logits"])

    print(f"== {family}: vlmforge hf-llava -> transformers")
    d = os.path.join(out, "hf_llava")
    check_hf_llava_folder(d, meta)
    model, info = LlavaForConditionalGeneration.from_pretrained(d, output_loading_info=True)
    model.eval()
    check(not info["missing_keys"] and not info["unexpected_keys"]
          and not info["mismatched_keys"] and not info["error_msgs"],
          f"from_pretrained loading info: {dict((k, sorted(v)) for k, v in info.items())}")
    with torch.no_grad():
        logits = model(input_ids=io["input_ids"], pixel_values=io["pixel_values"]).logits
    compare("hf-llava export (LoRA merged), logits vs vlmforge with LoRA", logits,
            ours["lora_logits"])
    check(max_diff(ours["lora_logits"], ours["llava_logits"]) > 1e-2,
          "the LoRA adapters changed the logits (the merge is exercised)")
    check_processor(d, meta)

    print(f"== {family}: vlmforge peft-lora -> peft")
    p = os.path.join(out, "peft_lora")
    acfg = json.load(open(os.path.join(p, "adapter_config.json")))
    print(f"  adapter_config: r={acfg['r']} lora_alpha={acfg['lora_alpha']} "
          f"use_rslora={acfg['use_rslora']} target_modules={acfg['target_modules']}")
    base = AutoModelForCausalLM.from_pretrained(os.path.join(case, "text_base")).eval()
    pm = PeftModel.from_pretrained(base, p).eval()
    stored = load_peft_weights(p)
    live = {k: v for k, v in pm.state_dict().items() if "lora_" in k}
    loaded = sum(1 for k, v in live.items()
                 if k.replace(".default", "") in stored
                 and torch.equal(v, stored[k.replace(".default", "")]))
    check(len(live) == len(stored) == loaded,
          f"PeftModel.from_pretrained: {loaded}/{len(live)} adapter tensors loaded from "
          f"{len(stored)} stored")
    with torch.no_grad():
        logits = pm(input_ids=io["text_ids"]).logits
    compare("peft-lora export on the text base, LLM logits vs vlmforge with LoRA", logits,
            ours["lora_text_logits"])

    if family == "phi":
        print("== phi: lm_head bias in transformers' LLaVA")
        biased = os.path.join(out, "hf_llava_with_bias")
        shutil.copytree(d, biased)
        index = os.path.join(biased, "model.safetensors.index.json")
        first = (sorted(set(json.load(open(index))["weight_map"].values()))[0]
                 if os.path.exists(index) else "model.safetensors")
        tensors = load_file(os.path.join(biased, first))
        tensors["language_model.lm_head.bias"] = torch.ones(model.config.text_config.vocab_size)
        save_file(tensors, os.path.join(biased, first), metadata={"format": "pt"})
        if os.path.exists(index):
            j = json.load(open(index))
            j["weight_map"]["language_model.lm_head.bias"] = first
            json.dump(j, open(index, "w"))
        m2, info2 = LlavaForConditionalGeneration.from_pretrained(biased, output_loading_info=True)
        check("lm_head.bias" in info2["unexpected_keys"] and m2.lm_head.bias is None,
              f"transformers {transformers.__version__} drops a saved lm_head.bias "
              f"(unexpected: {sorted(info2['unexpected_keys'])}, lm_head.bias is None)")


def main():
    print(f"versions: transformers {transformers.__version__}, peft {peft.__version__}, "
          f"torch {torch.__version__}")
    for family in ("qwen2", "phi"):
        run_case(family)
    if failures:
        print(f"{len(failures)} check(s) failed:\n  " + "\n  ".join(failures))
        return 1
    print("all export interop checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
