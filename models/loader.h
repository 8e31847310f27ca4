// Building models from Hugging Face folders, LLaVA folders, vlmforge checkpoints or inline
// from-scratch architectures (ModelConfig), and describing a folder without loading its weights.
#pragma once

#include "models/config.h"
#include "models/vlm.h"

#include <memory>
#include <string>

namespace vlmforge {

torch::ScalarType parse_dtype(const std::string& name, const std::string& where);

// A text LLM from an HF folder (config.json + safetensors; AutoAWQ GEMM dequantised to dtype).
std::unique_ptr<CausalLM> load_causal_lm(const std::string& dir, torch::ScalarType dtype);
// SigLIP vision from a SiglipModel (vision_model.*) or SiglipVisionModel folder.
std::unique_ptr<SiglipVisionEncoder> load_siglip(const std::string& dir, torch::ScalarType dtype);
// LlavaForConditionalGeneration folder (legacy, transformers-5 or >= 4.52 key layout).
std::unique_ptr<VisionLanguageModel> load_llava(const std::string& dir, torch::ScalarType dtype);
// Everything ModelConfig describes (see models/config.h for the order of sources).
std::unique_ptr<VisionLanguageModel> build_vlm(const ModelConfig& cfg);

// HF-style configs for the inline architectures.
json inline_text_config(const LlmModelConfig& c);
json inline_vision_config(const VisionModelConfig& c);

struct ParamCounts {
  std::string architecture;
  int64_t vision = 0, projector = 0, llm = 0;
  int64_t total() const { return vision + projector + llm; }
};
// Counts from config.json alone: the model is built on the meta device (nothing allocated).
ParamCounts count_model_dir(const std::string& dir);
// "architecture + parameter counts per component" for `vlmforge inspect DIR`.
std::string describe_model_dir(const std::string& dir);

}  // namespace vlmforge
