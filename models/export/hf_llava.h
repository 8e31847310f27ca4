// Export of a VisionLanguageModel as a Hugging Face LLaVA folder that transformers
// (LlavaForConditionalGeneration) and vLLM load unchanged:
//   config.json                    model_type llava, SigLIP vision_config (vision_use_head false),
//                                  text_config with its own model_type and architectures,
//                                  vision_feature_select_strategy "full" (SigLIP has no CLS token)
//   model.safetensors              legacy keys: vision_tower.vision_model.*, multi_modal_projector.*,
//   (+ -0000i-of-0000n + index)    language_model.model.*, language_model.lm_head.weight;
//                                  __metadata__ {"format": "pt"}; LoRA merged into the weights
//   tokenizer files                copied; chat_template set in tokenizer_config.json
//   preprocessor_config.json       SiglipImageProcessor (resize to image_size, bicubic, 1/255, mean/std)
//   processor_config.json          LlavaProcessor (patch_size, image_token, feature strategy)
//
// The caller's model is never modified: merged weights are computed into new tensors.
//
// Phi's lm_head bias: LlavaForConditionalGeneration builds `lm_head` without bias and reports a
// saved `lm_head.bias` as UNEXPECTED (checked with transformers 5.17), while vLLM's Phi keeps it.
// A bias cannot be folded into the bias-free head exactly (W·β' = W·β + b has no solution in
// general, V > D), so the policy decides (see LmHeadBias); the default refuses a non-zero bias.
#pragma once

#include "models/io/safetensors.h"
#include "models/vlm.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vlmforge {

enum class LmHeadBias {
  refuse,  // all-zero bias: omitted (both runtimes give vlmforge's logits); non-zero: Error
  drop,    // omit it: transformers and vlmforge-without-bias agree, logits differ by b
  keep,    // write language_model.lm_head.bias: vLLM uses it, transformers drops it (UNEXPECTED)
};
LmHeadBias parse_lm_head_bias(const std::string& name, const std::string& where);

struct HfLlavaExportOptions {
  std::string out_dir;
  // Weights as written; Undefined = the dtype of the model's token embedding.
  torch::ScalarType dtype = torch::ScalarType::Undefined;
  // Shard above this many bytes (HF layout with model.safetensors.index.json); 0 = one file.
  uint64_t max_shard_bytes = 5'000'000'000ULL;
  // Folder holding tokenizer.json / tokenizer_config.json / special_tokens_map.json / ...;
  // "" = write no tokenizer (then the folder is not loadable by AutoProcessor).
  std::string tokenizer_dir;
  // Jinja chat template stored in tokenizer_config.json and chat_template.jinja; "" = keep the
  // one the copied tokenizer_config.json carries (if any).
  std::string chat_template;
  // Text of the image placeholder token; "" = looked up by image_token_id in tokenizer.json,
  // else "<image>".
  std::string image_token;
  std::vector<double> image_mean{0.5, 0.5, 0.5};
  std::vector<double> image_std{0.5, 0.5, 0.5};
  LmHeadBias lm_head_bias = LmHeadBias::refuse;
};

struct HfLlavaExportResult {
  std::vector<std::string> weight_files;  // shards written
  size_t num_tensors = 0;
  size_t num_merged_lora = 0;  // linears whose LoRA adapter was folded in
  std::vector<std::string> warnings;
};

// config.json for the model (what export_hf_llava writes); throws when the model is not
// expressible as an HF LLaVA (moondream1 projector, post-layernormed vision features, ...).
nlohmann::json hf_llava_config(const VisionLanguageModel& model, torch::ScalarType dtype);

// The tensors export_hf_llava writes: legacy names, LoRA merged, dtype converted.
NamedTensors hf_llava_tensors(const VisionLanguageModel& model, torch::ScalarType dtype,
                              LmHeadBias lm_head_bias, HfLlavaExportResult* result = nullptr);

// Writes the folder into `<out_dir>.tmp` and renames it over out_dir when complete.
HfLlavaExportResult export_hf_llava(const VisionLanguageModel& model,
                                    const HfLlavaExportOptions& options);

}  // namespace vlmforge
