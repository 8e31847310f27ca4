// `vlmforge export --checkpoint DIR --format hf-llava|peft-lora --out DIR`
#include <cstdio>

#include "models/export/hf_llava.h"
#include "models/export/peft.h"
#include "models/loader.h"
#include "train/cli/args.h"
#include "train/cli/commands.h"
#include "train/model_setup.h"

namespace vlmforge::cli {

namespace {
// Jinja equivalents of our code templates, for tokenizer_config.json (transformers/vLLM render
// prompts with it). Only templates whose text we can state exactly are exported.
std::string jinja_for(const std::string& name) {
  if (name == "chatml")
    return "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
           "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
           "{{ '<|im_start|>assistant\\n' }}{% endif %}";
  return "";
}
}  // namespace

int cmd_export(const Args& args) {
  ArgParser p("vlmforge export",
              "Export a checkpoint for the inference path: hf-llava = a Hugging Face "
              "LlavaForConditionalGeneration folder with LoRA merged (legacy key layout, sharded "
              "above --max-shard-mb, tokenizer, processor configs) that transformers and vLLM "
              "load unchanged; peft-lora = adapter_config.json + adapter_model.safetensors for "
              "PeftModel.from_pretrained on the base LLM.");
  p.option("--checkpoint", "DIR", "checkpoint folder (e.g. checkpoints/run/final)")
      .option("--format", "hf-llava|peft-lora", "output format", "hf-llava")
      .option("--out", "DIR", "output folder")
      .option("--dtype", "auto|fp32|bf16|fp16", "weight dtype written", "auto")
      .option("--max-shard-mb", "MB", "shard model.safetensors above this size", "4096")
      .option("--lm-head-bias", "refuse|drop|keep",
              "Phi's lm_head bias, which HF LLaVA drops: refuse a non-zero one, drop it, or keep it (vLLM)",
              "refuse");
  if (!p.parse(args)) return 0;
  for (const char* k : {"--checkpoint", "--out"})
    if (!p.has(k)) throw Error(std::string("missing ") + k, "vlmforge export", "see --help");
  const std::string fmt = p.get("--format");
  if (fmt != "hf-llava" && fmt != "peft-lora")
    throw Error("unknown format '" + fmt + "'", "--format", "use hf-llava or peft-lora");
  RootConfig cfg;
  ModelBundle b = load_checkpoint_bundle(p.get("--checkpoint"), &cfg);
  torch::ScalarType dtype = p.get("--dtype") == "auto" ? torch::ScalarType::Undefined
                                                       : parse_dtype(p.get("--dtype"), "--dtype");
  if (fmt == "hf-llava") {
    HfLlavaExportOptions o;
    o.out_dir = p.get("--out");
    o.dtype = dtype;
    o.max_shard_bytes = static_cast<uint64_t>(p.get_int("--max-shard-mb")) * 1000 * 1000;
    o.tokenizer_dir = p.get("--checkpoint");
    o.chat_template = jinja_for(cfg.data.chat.template_name);
    o.image_token = cfg.data.chat.image_placeholder;
    o.lm_head_bias = parse_lm_head_bias(p.get("--lm-head-bias"), "--lm-head-bias");
    export_hf_llava(*b.model, o);
  } else {
    PeftExportOptions o;
    o.out_dir = p.get("--out");
    o.dtype = dtype;
    o.base_model_name_or_path = !cfg.model.llm.path.empty() ? cfg.model.llm.path : cfg.model.llava_path;
    export_peft_lora(*b.model, o);
  }
  std::printf("exported %s to %s\n", fmt.c_str(), p.get("--out").c_str());
  return 0;
}

}  // namespace vlmforge::cli
