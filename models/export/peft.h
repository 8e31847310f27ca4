// LoRA adapters of the language model as a PEFT adapter folder, and back.
//
// PEFT 0.21 layout for a causal-LM base (checked by saving get_peft_model(Qwen2ForCausalLM)):
//   adapter_config.json        peft_type LORA, r, lora_alpha, lora_dropout, target_modules,
//                              use_rslora, bias "none", fan_in_fan_out false, task_type CAUSAL_LM
//   adapter_model.safetensors  base_model.model.<HF module>.lora_A.weight  [r, in]
//                              base_model.model.<HF module>.lora_B.weight  [out, r]
//                              e.g. base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight
// The adapter applies to the text model alone (Qwen2ForCausalLM / PhiForCausalLM /
// LlamaForCausalLM), so only LoRA on language-model linears is exported; the projector and the
// vision tower are not part of that base (use hf-llava for them).
#pragma once

#include "models/text/decoder.h"
#include "models/vlm.h"

#include <string>
#include <vector>

namespace vlmforge {

struct PeftExportOptions {
  std::string out_dir;
  std::string base_model_name_or_path;  // written into adapter_config.json (may be empty)
  // Adapter weights as written; Undefined = as stored in the adapters.
  torch::ScalarType dtype = torch::ScalarType::Undefined;
};

struct PeftExportResult {
  std::vector<std::string> modules;  // HF module names of the base (e.g. model.layers.0.mlp.fc1)
  std::string file;                  // adapter_model.safetensors path
};

// Exports the LoRA adapters attached to the model's LLM. Throws when there is none, when
// adapters sit outside the LLM, or when r / alpha / rsLoRA differ between them.
PeftExportResult export_peft_lora(const VisionLanguageModel& model, const PeftExportOptions& o);
PeftExportResult export_peft_lora(const CausalLM& lm, const PeftExportOptions& o);

// Attaches LoRA adapters with the stored weights and scaling (r, lora_alpha, use_rslora,
// rank_pattern / alpha_pattern) to the linears named in a PEFT adapter folder (a causal-LM base;
// for the VLM also a LLaVA base, legacy or transformers-5 names). Existing adapters on those
// linears are replaced. Returns the wrapped module names (vlmforge names). Throws naming the key
// for unsupported options (DoRA, lora bias, fan_in_fan_out, modules_to_save, ...) or tensors
// that do not fit the model.
std::vector<std::string> load_peft_adapter(CausalLM& lm, const std::string& dir);
std::vector<std::string> load_peft_adapter(VisionLanguageModel& model, const std::string& dir);

}  // namespace vlmforge
