// Architecture description of a decoder-only LLM, filled from an HF config.json by the builder of
// its family (qwen2.cpp, phi.cpp, llama.cpp), plus that family's table of HF tensor names.
#pragma once

#include "models/io/hf_config.h"
#include "models/layers/mlp.h"
#include "models/layers/norm.h"
#include "models/layers/rope.h"

#include <string>

namespace vlmforge {

// HF module names. Layer i lives under "<layers>.<i>"; attention projections under
// "<layers>.<i>.<attn>.<q|k|v|o>", the MLP under "<layers>.<i>.<mlp>".
struct TextNames {
  std::string embed = "model.embed_tokens";
  std::string layers = "model.layers";
  std::string final_norm = "model.norm";
  std::string lm_head = "lm_head";
  std::string attn = "self_attn";
  std::string q = "q_proj", k = "k_proj", v = "v_proj", o = "o_proj";
  std::string norm1 = "input_layernorm";
  std::string norm2 = "post_attention_layernorm";  // unused with a parallel residual
  std::string mlp = "mlp";
};

struct TextConfig {
  std::string architecture;  // HF class, e.g. "Qwen2ForCausalLM"
  std::string model_type;    // "qwen2", "phi", "llama"
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_layers = 0;
  int64_t num_heads = 0;
  int64_t num_kv_heads = 0;
  int64_t head_dim = 0;
  int64_t max_position_embeddings = 0;
  double rope_theta = 10000.0;
  double partial_rotary_factor = 1.0;  // fraction of head_dim that is rotated
  RopeScaling rope_scaling;
  Norm::Kind norm = Norm::Kind::rms;
  double norm_eps = 1e-6;
  bool qkv_bias = false;
  bool o_bias = false;
  bool gated_mlp = true;  // SiLU-gated (gate/up/down) vs fc1 -> act -> fc2
  bool mlp_bias = false;
  Activation act = Activation::silu;
  bool parallel_residual = false;  // Phi: x + attn(ln(x)) + mlp(ln(x))
  bool tie_word_embeddings = false;
  bool lm_head_bias = false;
  TextNames names;

  int64_t rotary_dim() const { return static_cast<int64_t>(head_dim * partial_rotary_factor); }
};

// Per-family builders (one file each).
TextConfig qwen2_config(const HfConfig& hf);
TextConfig phi_config(const HfConfig& hf);
TextConfig llama_config(const HfConfig& hf);

// Dispatches on `architectures[0]` (or `model_type`); throws naming an unsupported architecture.
TextConfig text_config_from_hf(const HfConfig& hf);
std::vector<std::string> supported_text_architectures();

// The family's config-class defaults: transformers 4 wrote nested configs (LLaVA text_config)
// as a diff against them, so a missing key means "the class default", not an error.
struct TextDefaults {
  int64_t vocab_size, hidden_size, intermediate_size, num_layers, num_heads;
  int64_t num_kv_heads;  // 0 = same as num_heads
  int64_t max_position_embeddings;
  double rope_theta;
};

// Fields every family reads the same way (sizes, heads, rope).
void read_common_text_fields(const HfConfig& hf, const TextDefaults& d, TextConfig& c);

}  // namespace vlmforge
