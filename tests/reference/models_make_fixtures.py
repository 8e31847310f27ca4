"""Reference fixtures for the model-zoo parity tests (tests/models/).

Builds tiny random-weight models with the venv's transformers from seeded configs, saves them as
HF checkpoints (config.json + model.safetensors) together with fixed inputs and transformers'
outputs (logits, hidden states, greedy continuations) into $VLMFORGE_FIXTURES/models/<name>/.
The C++ tests load exactly these files; nothing here comes from vlmforge.

Also writes: an AutoAWQ packing example built from the documented layout with numpy, a
moondream1-projector example computed with plain torch ops, and parameter counts of full-size
configs built on the meta device.
"""
import json
import os
import shutil
import sys

import numpy as np
import torch
import transformers
from safetensors.torch import save_file
from transformers import (LlamaConfig, LlamaForCausalLM, LlavaConfig,
                          LlavaForConditionalGeneration, PhiConfig, PhiForCausalLM,
                          Qwen2Config, Qwen2ForCausalLM, SiglipConfig, SiglipModel,
                          SiglipVisionConfig, SiglipVisionModel)

OUT = os.path.join(os.environ.get("VLMFORGE_FIXTURES", "fixtures"), "models")
VOCAB = 96
MAX_NEW = 8


def perturb(model, seed, scale=0.08):
    """Random non-trivial values everywhere (biases and norm weights included)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.add_(torch.randn(p.shape, generator=g) * scale)


def save_model(model, name, extra_files=None):
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    model.save_pretrained(d)
    return d


def save_io(d, tensors, meta=None):
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(d, "io.safetensors"))
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta or {}, f, indent=1)


def positions_from_mask(mask):
    pos = mask.long().cumsum(-1) - 1
    return pos.masked_fill(mask == 0, 1)


def left_pad(prompts, pad_id=0):
    T = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), T), pad_id, dtype=torch.long)
    mask = torch.zeros((len(prompts), T), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, T - len(p):] = torch.tensor(p)
        mask[i, T - len(p):] = 1
    return ids, mask


def greedy(model, ids, mask=None, **kw):
    out = model.generate(input_ids=ids, attention_mask=mask if mask is not None else torch.ones_like(ids),
                         max_new_tokens=MAX_NEW, min_new_tokens=MAX_NEW, do_sample=False,
                         pad_token_id=0, eos_token_id=None, **kw)
    return out[:, ids.shape[1]:]


def text_fixture(name, cls, config, seed):
    torch.manual_seed(seed)
    model = cls(config).eval()
    perturb(model, seed)
    d = save_model(model, name)
    g = torch.Generator().manual_seed(seed + 1)
    ids = torch.randint(1, VOCAB, (2, 9), generator=g)
    prompts = [torch.randint(1, VOCAB, (n,), generator=g).tolist() for n in (7, 4)]
    pad_ids, pad_mask = left_pad(prompts)
    with torch.no_grad():
        full = model(input_ids=ids, output_hidden_states=True)
        padded = model(input_ids=pad_ids, attention_mask=pad_mask,
                       position_ids=positions_from_mask(pad_mask))
        gen = [greedy(model, torch.tensor([p]))[0] for p in prompts]
        # bf16 weights and compute (RMSNorm statistics in fp32, as transformers does).
        bf16_logits = cls.from_pretrained(d, dtype=torch.bfloat16).eval()(input_ids=ids).logits
    tensors = {
        "input_ids": ids, "logits": full.logits, "bf16_logits": bf16_logits.float(),
        "hidden_states": torch.stack(full.hidden_states),  # [L+1, B, T, D], last one normed
        "pad_input_ids": pad_ids, "pad_attention_mask": pad_mask, "pad_logits": padded.logits,
        "greedy_prompt_0": torch.tensor(prompts[0]), "greedy_prompt_1": torch.tensor(prompts[1]),
        "greedy_0": gen[0], "greedy_1": gen[1],
    }
    save_io(d, tensors, {"max_new_tokens": MAX_NEW, "architecture": config.architectures[0]
                         if config.architectures else cls.__name__})
    return model


def text_configs():
    common = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=112, num_hidden_layers=2,
                  num_attention_heads=4, max_position_embeddings=128, pad_token_id=0,
                  bos_token_id=1, eos_token_id=2)
    return {
        "qwen2_tied": (Qwen2ForCausalLM, Qwen2Config(**common, num_key_value_heads=2,
                                                     rope_theta=1e6, rms_norm_eps=1e-6,
                                                     tie_word_embeddings=True,
                                                     architectures=["Qwen2ForCausalLM"])),
        "qwen2_untied": (Qwen2ForCausalLM, Qwen2Config(**common, num_key_value_heads=4,
                                                       rope_theta=10000.0,
                                                       tie_word_embeddings=False,
                                                       architectures=["Qwen2ForCausalLM"])),
        "phi": (PhiForCausalLM, PhiConfig(**common, num_key_value_heads=4, partial_rotary_factor=0.5,
                                          hidden_act="gelu_new", layer_norm_eps=1e-5,
                                          tie_word_embeddings=False,
                                          architectures=["PhiForCausalLM"])),
        "llama": (LlamaForCausalLM, LlamaConfig(**common, num_key_value_heads=2, rope_theta=500000.0,
                                                rms_norm_eps=1e-5, tie_word_embeddings=False,
                                                architectures=["LlamaForCausalLM"])),
        "llama31_scaled_rope": (LlamaForCausalLM, LlamaConfig(
            **common, num_key_value_heads=2, rms_norm_eps=1e-5, tie_word_embeddings=False,
            rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
                             "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                             "original_max_position_embeddings": 16},
            architectures=["LlamaForCausalLM"])),
    }


def siglip_vision_config(**kw):
    return SiglipVisionConfig(hidden_size=48, intermediate_size=80, num_hidden_layers=3,
                              num_attention_heads=4, image_size=32, patch_size=8,
                              layer_norm_eps=1e-6, **kw)


def siglip_fixtures():
    torch.manual_seed(100)
    vcfg = siglip_vision_config()
    model = SiglipVisionModel(vcfg).eval()
    perturb(model, 100)
    d = save_model(model, "siglip_vision")
    pix = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(101))
    with torch.no_grad():
        out = model(pixel_values=pix, output_hidden_states=True)
    save_io(d, {"pixel_values": pix, "last_hidden_state": out.last_hidden_state,
                "hidden_states": torch.stack(out.hidden_states)})
    # The same vision weights inside a full SiglipModel checkpoint (text tower + logit_scale).
    full_cfg = SiglipConfig(vision_config=vcfg.to_dict(),
                            text_config=dict(vocab_size=50, hidden_size=32, intermediate_size=40,
                                             num_hidden_layers=1, num_attention_heads=2,
                                             max_position_embeddings=16))
    full = SiglipModel(full_cfg).eval()
    full.vision_model.load_state_dict(model.state_dict())
    d = save_model(full, "siglip_full")
    save_io(d, {"pixel_values": pix, "last_hidden_state": out.last_hidden_state,
                "hidden_states": torch.stack(out.hidden_states)})


def llava_fixture(name, text_cls_name, seed, legacy):
    cls, tcfg = text_configs()[text_cls_name]
    image_token = VOCAB - 1
    vcfg = siglip_vision_config()
    n_img_tokens = (32 // 8) ** 2
    cfg = LlavaConfig(vision_config=vcfg.to_dict(), text_config=tcfg.to_dict(),
                      image_token_index=image_token, image_seq_length=n_img_tokens,
                      projector_hidden_act="gelu", vision_feature_layer=-2,
                      vision_feature_select_strategy="full",
                      architectures=["LlavaForConditionalGeneration"])
    torch.manual_seed(seed)
    model = LlavaForConditionalGeneration(cfg).eval()
    perturb(model, seed)
    d = save_model(model, name)
    # transformers 5 saves `vision_tower.*`, `multi_modal_projector.*`, `language_model.model.*`,
    # `language_model.lm_head.*`. Rewrite into the two layouts found on the Hub: the legacy one
    # (vision tower with its inner `vision_model.`) and the 4.52+ one, and check that
    # transformers reads the rewritten file back to the same weights.
    from safetensors.torch import load_file
    rules = ((("vision_tower.", "vision_tower.vision_model."),) if legacy else
             (("vision_tower.", "model.vision_tower.vision_model."),
              ("multi_modal_projector.", "model.multi_modal_projector."),
              ("language_model.model.", "model.language_model."),
              ("language_model.lm_head.", "lm_head.")))
    path = os.path.join(d, "model.safetensors")
    renamed = {}
    for k, v in load_file(path).items():
        for old, new in rules:
            if k.startswith(old):
                k = new + k[len(old):]
                break
        renamed[k] = v
    save_file(renamed, path, metadata={"format": "pt"})
    reloaded = LlavaForConditionalGeneration.from_pretrained(d).eval()
    want, got = model.state_dict(), reloaded.state_dict()
    assert want.keys() == got.keys() and all(torch.equal(want[k], got[k]) for k in want), name
    g = torch.Generator().manual_seed(seed + 1)
    pix = torch.randn(3, 3, 32, 32, generator=g)
    t = lambda n: torch.randint(1, VOCAB - 1, (n,), generator=g).tolist()
    img = [image_token] * n_img_tokens
    # Sample 0: one image; sample 1: two images, shorter text, left-padded.
    s0 = t(3) + img + t(5)
    s1 = t(1) + img + t(1) + img + t(2)
    ids, mask = left_pad([s0, s1])
    labels = ids.clone()
    labels[mask == 0] = -100
    labels[ids == image_token] = -100
    # Supervise text only, from the second real token of each row on (the first predicting
    # position is then a real token, not padding).
    first_real = mask.argmax(-1)
    for b in range(2):
        labels[b, :first_real[b] + 2] = -100
    with torch.no_grad():
        out = model(input_ids=ids, pixel_values=pix, attention_mask=mask,
                    position_ids=positions_from_mask(mask), labels=labels)
        gen0 = greedy(model, torch.tensor([s0]), pixel_values=pix[:1])[0]
        gen1 = greedy(model, torch.tensor([s1]), pixel_values=pix[1:])[0]
    save_io(d, {"input_ids": ids, "attention_mask": mask, "labels": labels, "pixel_values": pix,
                "logits": out.logits, "loss": out.loss.reshape(1),
                "greedy_prompt_0": torch.tensor(s0), "greedy_prompt_1": torch.tensor(s1),
                "greedy_0": gen0, "greedy_1": gen1},
            {"image_token_id": image_token, "max_new_tokens": MAX_NEW})


def awq_fixture():
    """AutoAWQ GEMM packing written from the documented layout (REFERENCE.md), with numpy."""
    rng = np.random.default_rng(7)
    K, N, G = 32, 24, 8
    q = rng.integers(0, 16, size=(K, N), dtype=np.int64)
    z = rng.integers(0, 16, size=(K // G, N), dtype=np.int64)
    s = (rng.random((K // G, N)) * 0.05 + 0.001).astype(np.float16)
    order = [0, 2, 4, 6, 1, 3, 5, 7]  # nibble i holds column 8c + order[i]

    def pack(v):
        rows, cols = v.shape
        out = np.zeros((rows, cols // 8), dtype=np.uint32)
        for c in range(cols // 8):
            for i in range(8):
                out[:, c] |= (v[:, 8 * c + order[i]].astype(np.uint32) << np.uint32(4 * i))
        return out.view(np.int32)

    wt = (q - np.repeat(z, G, axis=0)).astype(np.float64) * np.repeat(s.astype(np.float64), G, axis=0)
    d = os.path.join(OUT, "awq")
    os.makedirs(d, exist_ok=True)
    save_file({"layer.qweight": torch.from_numpy(pack(q)), "layer.qzeros": torch.from_numpy(pack(z)),
               "layer.scales": torch.from_numpy(s),
               "expected_weight": torch.from_numpy(wt.T.astype(np.float32).copy()),
               "expected_q": torch.from_numpy(q.astype(np.int32))},
              os.path.join(d, "awq.safetensors"))
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump({"group_size": G, "in_features": K, "out_features": N}, f)


def moondream_projector_fixture():
    """moondream1 projector: x = ln(mlp1(x)); x + mlp2(x), MLPs fc1 -> tanh-GELU -> fc2."""
    g = torch.Generator().manual_seed(11)
    dv, dl, h = 48, 64, 96
    w = {"mlp1.fc1.weight": (h, dv), "mlp1.fc1.bias": (h,), "mlp1.fc2.weight": (dl, h),
         "mlp1.fc2.bias": (dl,), "ln.weight": (dl,), "ln.bias": (dl,), "mlp2.fc1.weight": (h, dl),
         "mlp2.fc1.bias": (h,), "mlp2.fc2.weight": (dl, h), "mlp2.fc2.bias": (dl,)}
    w = {"multi_modal_projector." + k: torch.randn(s, generator=g) * 0.2 for k, s in w.items()}
    w["multi_modal_projector.ln.weight"] += 1.0
    x = torch.randn(2, 5, dv, generator=g)
    p = lambda k: w["multi_modal_projector." + k]
    mlp = lambda x, m: torch.nn.functional.linear(
        torch.nn.functional.gelu(torch.nn.functional.linear(x, p(m + ".fc1.weight"), p(m + ".fc1.bias")),
                                 approximate="tanh"), p(m + ".fc2.weight"), p(m + ".fc2.bias"))
    y = torch.nn.functional.layer_norm(mlp(x, "mlp1"), (dl,), p("ln.weight"), p("ln.bias"), 1e-5)
    y = y + mlp(y, "mlp2")
    d = os.path.join(OUT, "moondream_projector")
    os.makedirs(d, exist_ok=True)
    save_file(w, os.path.join(d, "model.safetensors"))
    save_io(d, {"features": x, "expected": y}, {"vision_hidden": dv, "text_hidden": dl, "mlp_hidden": h})


def param_count_fixtures():
    """Full-size configs built on the meta device (no allocation) and their parameter counts."""
    qwen = lambda h, i, l, n, tie: (Qwen2ForCausalLM, Qwen2Config(
        vocab_size=151936, hidden_size=h, intermediate_size=i, num_hidden_layers=l,
        num_attention_heads=n, num_key_value_heads=2, tie_word_embeddings=tie,
        max_position_embeddings=32768, rope_theta=1e6, architectures=["Qwen2ForCausalLM"]))
    configs = {
        "so400m": (SiglipVisionModel, SiglipVisionConfig(
            hidden_size=1152, intermediate_size=4304, num_hidden_layers=27, num_attention_heads=16,
            image_size=384, patch_size=14, vision_use_head=False, layer_norm_eps=1e-6)),
        "phi-1_5": (PhiForCausalLM, PhiConfig(
            vocab_size=51200, hidden_size=2048, intermediate_size=8192, num_hidden_layers=24,
            num_attention_heads=32, partial_rotary_factor=0.5, max_position_embeddings=2048,
            architectures=["PhiForCausalLM"])),
        "qwen2.5-0.5b": qwen(896, 4864, 24, 14, True),
        "qwen2.5-1.5b": qwen(1536, 8960, 28, 12, True),
        "qwen2.5-3b": qwen(2048, 11008, 36, 16, True),
        "llama-3-8b": (LlamaForCausalLM, LlamaConfig(
            vocab_size=128256, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
            num_attention_heads=32, num_key_value_heads=8, rope_theta=500000.0,
            max_position_embeddings=8192, tie_word_embeddings=False,
            architectures=["LlamaForCausalLM"])),
    }
    counts = {}
    for name, (cls, cfg) in configs.items():
        with torch.device("meta"):
            model = cls(cfg)
        n = sum(p.numel() for p in model.parameters())  # tied parameters are counted once
        counts[name] = n
        d = os.path.join(OUT, "param_counts", name)
        os.makedirs(d, exist_ok=True)
        cfg.save_pretrained(d)
        print(f"params {name}: {n}")
    with open(os.path.join(OUT, "param_counts", "counts.json"), "w") as f:
        json.dump(counts, f, indent=1)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    print("transformers", transformers.__version__, "torch", torch.__version__)
    for name, (cls, cfg) in text_configs().items():
        text_fixture(name, cls, cfg, seed=sum(map(ord, name)))
    siglip_fixtures()
    llava_fixture("llava_qwen2", "qwen2_tied", seed=300, legacy=False)  # 4.52+ layout
    llava_fixture("llava_phi_legacy", "phi", seed=301, legacy=True)
    awq_fixture()
    moondream_projector_fixture()
    param_count_fixtures()
    with open(os.path.join(OUT, "versions.json"), "w") as f:
        json.dump({"transformers": transformers.__version__, "torch": torch.__version__}, f)
    print("fixtures written to", OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
