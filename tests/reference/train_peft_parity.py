"""Reference for the trainer-vs-PEFT parity test: a tiny SigLIP + Qwen2 LLaVA built by transformers
(seeded), LoRA on every LLM linear by PEFT (r=4, alpha=8), projector trainable, vision and LLM
frozen; AdamW (torch, single-tensor path), global-norm clipping 1.0, constant lr, 20 steps on one
fixed batch. Writes into $VLMFORGE_FIXTURES/peft_parity/: base/ (save_pretrained), batch and
initial LoRA weights (vlmforge names) as safetensors, and the per-step losses."""
import json
import os
import shutil

import torch
from peft import LoraConfig, get_peft_model
from safetensors.torch import save_file
from transformers import LlavaConfig, LlavaForConditionalGeneration, Qwen2Config, SiglipVisionConfig

OUT = os.path.join(os.environ["VLMFORGE_FIXTURES"], "peft_parity")
IMAGE_TOKEN = 120
STEPS = 20
LR = 1e-3


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    torch.manual_seed(0)
    vcfg = SiglipVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                              num_attention_heads=2, image_size=32, patch_size=8,
                              layer_norm_eps=1e-6, vision_use_head=False)
    tcfg = Qwen2Config(vocab_size=128, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                       num_attention_heads=4, num_key_value_heads=2, rope_theta=1e6,
                       rms_norm_eps=1e-6, max_position_embeddings=128, tie_word_embeddings=True,
                       architectures=["Qwen2ForCausalLM"])
    cfg = LlavaConfig(vision_config=vcfg.to_dict(), text_config=tcfg.to_dict(),
                      image_token_index=IMAGE_TOKEN, image_seq_length=16, projector_hidden_act="gelu",
                      vision_feature_layer=-1, vision_feature_select_strategy="full",
                      architectures=["LlavaForConditionalGeneration"])
    model = LlavaForConditionalGeneration(cfg).float()
    model.save_pretrained(os.path.join(OUT, "base"))

    g = torch.Generator().manual_seed(1)
    B, T = 2, 1 + 16 + 24
    ids = torch.randint(3, 110, (B, T), generator=g)
    ids[:, 1:17] = IMAGE_TOKEN
    labels = ids.clone()
    labels[:, :17] = -100
    labels[1, 17:22] = -100  # rows with different supervised counts
    mask = torch.ones(B, T, dtype=torch.long)
    pixels = torch.randn(B, 3, 32, 32, generator=g)
    save_file({"input_ids": ids, "labels": labels, "attention_mask": mask, "pixel_values": pixels},
              os.path.join(OUT, "batch.safetensors"))

    lcfg = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0,
                      target_modules=r".*language_model.*\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)")
    peft_model = get_peft_model(model, lcfg)
    init = {}
    for n, p in peft_model.named_parameters():
        p.requires_grad_("lora_" in n or "multi_modal_projector" in n)
        if "lora_" in n:
            # base_model.model.model.language_model.layers.0.self_attn.q_proj.lora_A.default.weight
            ours = n.replace("base_model.model.model.language_model.", "language_model.model.")
            init[ours.replace(".default.", ".")] = p.detach().clone()
    assert init, "PEFT attached no adapters"
    save_file(init, os.path.join(OUT, "lora_init.safetensors"))

    params = [p for p in peft_model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                            foreach=False)
    losses = []
    peft_model.train()
    for _ in range(STEPS):
        out = peft_model(input_ids=ids, pixel_values=pixels, attention_mask=mask, labels=labels)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        losses.append(out.loss.item())
    json.dump({"losses": losses, "lr": LR, "lora_tensors": len(init)},
              open(os.path.join(OUT, "losses.json"), "w"))
    print("peft reference losses:", [round(x, 5) for x in losses])


if __name__ == "__main__":
    main()
