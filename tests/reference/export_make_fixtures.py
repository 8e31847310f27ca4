"""Fixtures for the export interop tests (tests/export/): everything here comes from
transformers / peft / tokenizers in the venv, nothing from vlmforge.

For each case (SigLIP + Qwen2 with tied embeddings, SigLIP + Phi) writes into
$VLMFORGE_FIXTURES/export/<case>/:
  hf/            LlavaForConditionalGeneration.save_pretrained (seeded tiny random weights, perturbed
                 so every bias and norm is non-trivial) + its LlavaProcessor (word-level tokenizer
                 with an "<image>" token, SiglipImageProcessor)
  text_base/     the same language model as <Family>ForCausalLM (base for PEFT)
  peft_adapter/  get_peft_model(text_base) with random non-zero lora_A/lora_B, save_pretrained
  io.safetensors input_ids (with image tokens), pixel_values, text_ids, and the references:
                 llava_logits (transformers on hf/), peft_text_logits (peft on text_ids)
  meta.json      LoRA spec the C++ tool uses, versions
"""
import json
import os
import shutil

import peft
import tokenizers
import torch
import transformers
from peft import LoraConfig, get_peft_model
from safetensors.torch import save_file
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import (LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor, PhiConfig,
                          PhiForCausalLM, PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM,
                          SiglipImageProcessor, SiglipVisionConfig)

OUT = os.path.join(os.environ.get("VLMFORGE_FIXTURES", "fixtures"), "export")
VOCAB = 96
IMAGE_TOKEN = VOCAB - 1
SIDE, PATCH = 32, 8
N_IMG = (SIDE // PATCH) ** 2
CHAT_TEMPLATE = ("{% for m in messages %}<s>{{ m['role'] }}: {% for c in m['content'] %}"
                 "{% if c['type'] == 'image' %}<image>{% else %}{{ c['text'] }}{% endif %}"
                 "{% endfor %}</s>{% endfor %}{% if add_generation_prompt %}<s>assistant:{% endif %}")


def perturb(model, seed, scale=0.08):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.add_(torch.randn(p.shape, generator=g) * scale)


def make_tokenizer():
    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2}
    for i in range(3, VOCAB - 1):
        vocab[f"w{i}"] = i
    vocab["<image>"] = IMAGE_TOKEN
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<pad>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.add_special_tokens(["<pad>", "<s>", "</s>", "<image>"])
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<s>",
                                   eos_token="</s>", unk_token="<pad>")


def text_config(family):
    common = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=112, num_hidden_layers=2,
                  num_attention_heads=4, max_position_embeddings=128, pad_token_id=0,
                  bos_token_id=1, eos_token_id=2)
    if family == "qwen2":
        return Qwen2ForCausalLM, Qwen2Config(**common, num_key_value_heads=2, rope_theta=1e6,
                                             rms_norm_eps=1e-6, tie_word_embeddings=True,
                                             architectures=["Qwen2ForCausalLM"])
    return PhiForCausalLM, PhiConfig(**common, num_key_value_heads=4, partial_rotary_factor=0.5,
                                     hidden_act="gelu_new", layer_norm_eps=1e-5,
                                     tie_word_embeddings=False, architectures=["PhiForCausalLM"])


# LoRA settings per case: Qwen2 classic alpha/r on every linear, Phi rsLoRA (alpha/sqrt(r)).
LORA = {
    "qwen2": dict(r=4, lora_alpha=8, use_rslora=False,
                  target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                                  "down_proj"]),
    "phi": dict(r=4, lora_alpha=6, use_rslora=True,
                target_modules=["q_proj", "k_proj", "v_proj", "dense", "fc1", "fc2"]),
}


def make_case(family, seed):
    d = os.path.join(OUT, family)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    cls, tcfg = text_config(family)
    vcfg = SiglipVisionConfig(hidden_size=48, intermediate_size=80, num_hidden_layers=3,
                              num_attention_heads=4, image_size=SIDE, patch_size=PATCH,
                              layer_norm_eps=1e-6, vision_use_head=False)
    cfg = LlavaConfig(vision_config=vcfg.to_dict(), text_config=tcfg.to_dict(),
                      image_token_index=IMAGE_TOKEN, image_seq_length=N_IMG,
                      projector_hidden_act="gelu", vision_feature_layer=-2,
                      vision_feature_select_strategy="full",
                      architectures=["LlavaForConditionalGeneration"])
    torch.manual_seed(seed)
    llava = LlavaForConditionalGeneration(cfg).eval()
    perturb(llava, seed)
    llava.save_pretrained(os.path.join(d, "hf"))
    processor = LlavaProcessor(image_processor=SiglipImageProcessor(
                                   size={"height": SIDE, "width": SIDE}, resample=3,
                                   image_mean=[0.5] * 3, image_std=[0.5] * 3),
                               tokenizer=make_tokenizer(), patch_size=PATCH,
                               vision_feature_select_strategy="full",
                               num_additional_image_tokens=0, image_token="<image>",
                               chat_template=CHAT_TEMPLATE)
    processor.save_pretrained(os.path.join(d, "hf"))

    # The same language model as a standalone causal LM (the PEFT base).
    base = cls(tcfg).eval()
    sd = {k: v for k, v in llava.model.language_model.state_dict().items()}
    missing, unexpected = base.model.load_state_dict(sd, strict=True), None
    with torch.no_grad():
        base.lm_head.weight.copy_(llava.lm_head.weight)
        if getattr(base.lm_head, "bias", None) is not None:
            base.lm_head.bias.zero_()  # LLaVA's head has none; keep the two models identical
    base.save_pretrained(os.path.join(d, "text_base"))

    g = torch.Generator().manual_seed(seed + 1)
    pix = torch.randn(1, 3, SIDE, SIDE, generator=g)
    words = lambda n: torch.randint(3, VOCAB - 1, (n,), generator=g).tolist()
    ids = torch.tensor([[1] + words(2) + [IMAGE_TOKEN] * N_IMG + words(6)])
    text_ids = torch.tensor([[1] + words(11)])

    peft_model = get_peft_model(cls.from_pretrained(os.path.join(d, "text_base")).eval(),
                                LoraConfig(lora_dropout=0.0, task_type="CAUSAL_LM",
                                           **LORA[family]))
    with torch.no_grad():
        for name, p in sorted(peft_model.named_parameters()):
            if "lora_A" in name or "lora_B" in name:
                p.copy_(torch.randn(p.shape, generator=g) * 0.2)
    peft_model.eval()
    peft_model.save_pretrained(os.path.join(d, "peft_adapter"))
    with torch.no_grad():
        llava_logits = llava(input_ids=ids, pixel_values=pix).logits
        peft_logits = peft_model(input_ids=text_ids).logits
        base_logits = base(input_ids=text_ids).logits
    assert (peft_logits - base_logits).abs().max() > 1e-3, "adapter must change the logits"
    save_file({"input_ids": ids, "pixel_values": pix, "text_ids": text_ids,
               "llava_logits": llava_logits.contiguous(), "peft_text_logits": peft_logits.contiguous()},
              os.path.join(d, "io.safetensors"))
    lora = LORA[family]
    meta = {"family": family, "image_token_id": IMAGE_TOKEN, "chat_template": CHAT_TEMPLATE,
            "lora_r": lora["r"], "lora_alpha": lora["lora_alpha"], "use_rslora": lora["use_rslora"],
            "lora_seed": seed + 2,
            # Shard the Phi export to exercise model.safetensors.index.json.
            "max_shard_bytes": 200_000 if family == "phi" else 0,
            "versions": {"transformers": transformers.__version__, "peft": peft.__version__,
                         "torch": torch.__version__, "tokenizers": tokenizers.__version__}}
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)


def main():
    make_case("qwen2", seed=1700)
    make_case("phi", seed=1710)
    print(f"export fixtures in {OUT} (transformers {transformers.__version__}, "
          f"peft {peft.__version__}, torch {torch.__version__})")


if __name__ == "__main__":
    main()
