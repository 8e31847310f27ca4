// The inverse of the config readers: Hugging Face config.json sections written from vlmforge's
// architecture descriptions, so an exported folder re-creates exactly the model that was run.
#pragma once

#include "models/text/text_config.h"
#include "models/vision/siglip.h"

#include <nlohmann/json.hpp>

#include <string>

namespace vlmforge {

// HF `hidden_act` spelling of an activation for a given family ("gelu_new" for Phi's tanh-GELU,
// "gelu_pytorch_tanh" elsewhere; both are the same function).
std::string hf_activation_name(Activation act, const std::string& model_type);

// text_config: model_type, architectures, sizes, norm eps, RoPE (both the transformers-5
// `rope_parameters` and the older top-level `rope_theta` / `rope_scaling` that vLLM reads).
nlohmann::json hf_text_config(const TextConfig& c);

// SiglipVisionConfig with vision_use_head false (LLaVA uses the patch tokens, not the pooled head).
nlohmann::json hf_siglip_vision_config(const SiglipConfig& c);

// HF name of a torch dtype in config.json ("float32", "bfloat16", "float16").
std::string hf_dtype_name(torch::ScalarType t);

}  // namespace vlmforge
